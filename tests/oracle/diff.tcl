#!/usr/bin/env tclsh
# tests/oracle/diff.tcl: differential test of kvd against redis-server 7.0.
#
#   KVD_BIN=$PWD/kvd tclsh tests/oracle/diff.tcl [--seed N] [--ops N]
#       [--cases GLOB] [--no-cases] [--no-random] [--shrink-secs N]
#       [--redis PATH] [--batch N] [--show] [--coverage]
#
# Starts kvd ($KVD_BIN) and redis-server, each on its own free port, sends
# both the same commands and compares the raw reply bytes, first in RESP2,
# then on fresh connections after HELLO 3. Sequences are the scripted blocks
# of tests/oracle/cases/*.txt (format in cases.tcl) and --ops random commands
# from the seeded generator (gen.tcl). A mismatch is shrunk to a short
# sequence and printed with both replies; the exit status is then 1.
# Every command of issues 3 and 4 must appear in some case file: the run
# prints the ones that do not and fails (--coverage: only that check).
# The last line is always "oracle: N commands compared, M mismatches".
# Start reading at ::oracle::main; pair.tcl runs and compares sequences.
#
# SPDX-License-Identifier: BSD-3-Clause

set ::oracle_dir [file dirname [file normalize [info script]]]
source [file join $::oracle_dir .. harness server.tcl]
source [file join $::oracle_dir pair.tcl]
source [file join $::oracle_dir cases.tcl]
source [file join $::oracle_dir gen.tcl]
source [file join $::oracle_dir coverage.tcl]

proc ::oracle::usage {} {
    puts stderr "usage: tclsh tests/oracle/diff.tcl \[--seed N\] \[--ops N\] \[--cases GLOB\]\
        \[--no-cases\] \[--no-random\] \[--shrink-secs N\] \[--redis PATH\] \[--batch N\] \[--show\]\
        \[--coverage\]"
    exit 2
}

# Runs one sequence in both protocols; returns the number of mismatches
# (0 or 1 per protocol) after printing each, shrunk.
proc ::oracle::check {title items shrink_secs {stepped 0}} {
    set bad 0
    variable resp3_broken
    set prev {}
    foreach proto {2 3} {
        if {$proto == 3 && $resp3_broken} { continue }
        if {$stepped} {
            set mm [run_steps $items $proto]
        } else {
            set mm [run_seq $items $proto]
        }
        if {$mm eq ""} { continue }
        incr bad
        if {[dict get $mm index] < 0} {
            # HELLO 3 itself failed: say it once, not once per block
            report $title {} $mm $proto
            puts "oracle: RESP3 comparisons skipped from here on"
            set resp3_broken 1
            continue
        }
        if {$stepped} {
            # several clients and timing: reported as written, unshrunk
            set small [lrange $items 0 [dict get $mm index]]
            set last $mm
            set rep [list $small [dict get $mm redis] [dict get $mm kvd]]
            if {$prev eq $rep} {
                puts "oracle: MISMATCH $title (RESP3): the same as in RESP2"
                continue
            }
            set prev $rep
            report $title $small $last $proto
            continue
        }
        lassign [shrink $items $proto $shrink_secs] small last
        if {$last eq ""} {
            # did not reproduce on fresh state: report the original
            set small [lrange $items 0 [dict get $mm index]]
            set last $mm
            puts "oracle: (the mismatch below did not reproduce when re-run)"
        }
        # the same failure in RESP3 as in RESP2 says nothing new
        if {$prev eq [list $small $last]} {
            puts "oracle: MISMATCH $title (RESP3): the same as in RESP2"
            continue
        }
        set prev [list $small $last]
        report $title $small $last $proto
    }
    return $bad
}

set ::oracle::resp3_broken 0

proc ::oracle::main {argv} {
    variable bin
    variable batch
    variable compared
    set seed 1
    set ops 3000
    set glob *.txt
    set do_cases 1
    set do_random 1
    set shrink_secs 20
    set bin(redis) /usr/bin/redis-server
    for {set i 0} {$i < [llength $argv]} {incr i} {
        set a [lindex $argv $i]
        set v [lindex $argv [expr {$i + 1}]]
        switch -exact -- $a {
            --seed { set seed $v; incr i }
            --ops { set ops $v; incr i }
            --cases { set glob $v; incr i }
            --no-cases { set do_cases 0 }
            --no-random { set do_random 0 }
            --shrink-secs { set shrink_secs $v; incr i }
            --redis { set bin(redis) $v; incr i }
            --batch { set batch $v; incr i }
            --show { set ::oracle::show 1 }
            --coverage { set only_coverage 1 }
            default { usage }
        }
    }
    if {![string is integer -strict $seed] || ![string is integer -strict $ops]} { usage }
    set uncovered [::coverage::missing [file join $::oracle_dir cases]]
    set cov "oracle: coverage: [llength $::coverage::wanted] issue-3/4 commands"
    if {[llength $uncovered]} {
        set cov "$cov, [llength $uncovered] in no case file: [join $uncovered {, }]"
    } else {
        set cov "$cov, every one in some case file"
    }
    if {[info exists only_coverage]} {
        puts $cov
        exit [expr {[llength $uncovered] ? 1 : 0}]
    }
    set bin(kvd) [::kvd::binary_path]
    puts "oracle: kvd=$bin(kvd) redis=$bin(redis) seed=$seed ops=$ops"

    set t0 [clock milliseconds]
    set mismatches 0
    if {[catch {
        start_all
        if {$do_cases} {
            set files [lsort [glob -nocomplain [file join $::oracle_dir cases $glob]]]
            foreach f $files {
                set before $compared
                set fbad 0
                foreach block [::cases::load $f] {
                    lassign $block name items stepped
                    incr fbad [check "in case block $name" $items $shrink_secs $stepped]
                }
                incr mismatches $fbad
                puts "oracle: [file tail $f]: [expr {$compared - $before}] commands, $fbad mismatches"
            }
        }
        if {$do_random && $ops > 0} {
            set before $compared
            set items [::gen::sequence $seed $ops]
            set rbad [check "in random sequence (seed $seed, --ops $ops)" $items $shrink_secs]
            incr mismatches $rbad
            puts "oracle: random seed $seed: [expr {$compared - $before}] commands, $rbad mismatches"
        }
    } err opts]} {
        stop_all
        ::kvd::cleanup_tmp
        puts "oracle: aborted: $err"
        puts [dict get $opts -errorinfo]
        puts "oracle: $compared commands compared, $mismatches mismatches"
        exit 1
    }
    stop_all
    ::kvd::cleanup_tmp
    puts $cov
    puts "oracle: time [format %.1f [expr {([clock milliseconds] - $t0) / 1000.0}]]s"
    if {$mismatches} {
        puts "oracle: to replay: KVD_BIN=$bin(kvd) tclsh tests/oracle/diff.tcl --seed $seed --ops $ops"
    }
    puts "oracle: $compared commands compared, $mismatches mismatches"
    exit [expr {($mismatches || [llength $uncovered]) ? 1 : 0}]
}

::oracle::main $argv
