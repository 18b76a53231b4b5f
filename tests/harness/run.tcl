#!/usr/bin/env tclsh
# tests/harness/run.tcl: runs the Tcl integration suites against $KVD_BIN.
#
#   tclsh tests/harness/run.tcl [options] [tests/unit/FILE.tcl ...]
#     --only GLOB      run only tests whose name matches GLOB (repeatable)
#     --tags "a -b"    run tests tagged a (if any positive tag is given) and
#                      not tagged b; tags come from with_server and test
#     --verbose        print error traces and timing
#     --list           print test names instead of failing/passing them
#     --asan           fail the run if any server log holds a sanitizer report
#
# Prints one line per test ([ok] / [err] / [skip] with --verbose), then exactly
# one line "N passed, N failed"; exits 1 if anything failed.
# KVD_BIN selects the binary (KVD_BIN=/usr/bin/redis-server runs against Redis).

set ::kvd_harness_dir [file dirname [file normalize [info script]]]
source [file join $::kvd_harness_dir server.tcl]
source [file join $::kvd_harness_dir assert.tcl]

namespace eval ::kvd {
    variable only {}
    variable tags_pos {}
    variable tags_neg {}
    variable verbose 0
    variable list_only 0
    variable passed 0
    variable failed 0
    variable skipped 0
    variable failures {}
    variable current_file ""
    variable server_may_exit 0
    variable asan 0
    variable sanitizer_reports 0
}

proc ::kvd::tags_excluded {tags} {
    variable tags_neg
    foreach t $tags { if {$t in $tags_neg} { return 1 } }
    return 0
}

proc ::kvd::record_failure {name msg} {
    variable failed
    variable failures
    variable current_file
    incr failed
    lappend failures "[file tail $current_file]: $name"
    puts "\[err\] $name"
    foreach line [split $msg \n] { puts "      $line" }
}

# test NAME BODY ?TAGS?
proc test {name body {tags {}}} {
    set all [concat $::kvd::tagstack $tags]
    if {[llength $::kvd::only]} {
        set m 0
        foreach g $::kvd::only { if {[string match $g $name]} { set m 1 } }
        if {!$m} { incr ::kvd::skipped; return }
    }
    if {[::kvd::tags_excluded $all]} { incr ::kvd::skipped; return }
    if {[llength $::kvd::tags_pos]} {
        set m 0
        foreach t $all { if {$t in $::kvd::tags_pos} { set m 1 } }
        if {!$m} { incr ::kvd::skipped; return }
    }
    if {$::kvd::list_only} { puts $name; return }
    set ::kvd::server_may_exit 0
    set ::resp::last_sent ""
    set ::resp::last_reply ""
    set t0 [clock milliseconds]
    set code [catch {uplevel 1 $body} err opts]
    set ms [expr {[clock milliseconds] - $t0}]
    set alive [expr {[llength $::kvd::servers] == 0 || [server_alive]}]
    if {$code == 1} {
        set msg $err
        if {[lindex [dict get $opts -errorcode] 0] ne "ASSERT"} {
            set msg "error: $err\n  last command sent: $::resp::last_sent\n  last reply read:   $::resp::last_reply"
            if {$::kvd::verbose} { append msg "\n[dict get $opts -errorinfo]" }
        }
        if {!$alive} {
            append msg "\n--- server died; log tail ---\n[::kvd::log_tail [srv log]]"
        }
        ::kvd::record_failure $name $msg
    } elseif {!$alive && !$::kvd::server_may_exit} {
        ::kvd::record_failure $name "the server died during the test\n--- log tail ---\n[::kvd::log_tail [srv log]]"
    } else {
        incr ::kvd::passed
        if {$::kvd::verbose} {
            puts "\[ok\] $name (${ms} ms)"
        } else {
            puts "\[ok\] $name"
        }
    }
    # a server that died unexpectedly is restarted so that later tests can run
    if {!$alive && !$::kvd::server_may_exit && [llength $::kvd::servers]} {
        ::kvd::restart_current
    }
}

# Like test, but only when the server under test knows command CMD (a later issue may add
# it); otherwise the test is counted as skipped and named, so it runs once CMD exists.
proc test_if_command {cmd name body {tags {}}} {
    set info [r command info $cmd]
    if {[lindex $info 0] eq ""} {
        incr ::kvd::skipped
        puts "\[skip\] $name (needs [string toupper $cmd])"
        return
    }
    uplevel 1 [list test $name $body $tags]
}

# Restarts the innermost server with the same overrides (used after a crash).
proc ::kvd::restart_current {} {
    set s [lindex $::kvd::servers end]
    set ov [expr {[dict exists $s overrides] ? [dict get $s overrides] : {}}]
    if {[catch {::kvd::start $ov} ns]} { return }
    dict set ns client [::resp::connect [dict get $ns host] [dict get $ns port] 0]
    dict set ns tags [dict get $s tags]
    lset ::kvd::servers end $ns
}

# Marks the running test as one where the server is expected to exit.
proc server_may_exit {} { set ::kvd::server_may_exit 1 }

proc ::kvd::main {argv} {
    variable only
    variable tags_pos
    variable tags_neg
    variable verbose
    variable list_only
    set files {}
    for {set i 0} {$i < [llength $argv]} {incr i} {
        set a [lindex $argv $i]
        switch -exact -- $a {
            --only { lappend only [lindex $argv [incr i]] }
            --tags {
                foreach t [lindex $argv [incr i]] {
                    if {[string index $t 0] eq "-"} {
                        lappend tags_neg [string range $t 1 end]
                    } else {
                        lappend tags_pos $t
                    }
                }
            }
            --verbose - -v { set verbose 1 }
            --asan { set ::kvd::asan 1 }
            --list { set list_only 1 }
            --help - -h {
                puts "usage: tclsh tests/harness/run.tcl \[--only GLOB\] \[--tags \"a -b\"\] \[--verbose\] \[--list\] \[FILE...\]"
                exit 0
            }
            default {
                if {[string index $a 0] eq "-"} {
                    puts stderr "unknown option $a"
                    exit 2
                }
                lappend files $a
            }
        }
    }
    if {![llength $files]} {
        set files [lsort [glob -nocomplain [file join $::kvd_harness_dir .. unit *.tcl]]]
    }
    puts "server binary: [binary_path]"
    set t0 [clock milliseconds]
    foreach f $files {
        set ::kvd::current_file $f
        puts "=== [file tail $f]"
        # Suites run at global level; the globals one creates are removed afterwards so the
        # next suite starts clean (an array "got" left behind breaks a later "set got").
        set globals_before [info globals]
        if {[catch {uplevel #0 [list source $f]} err opts]} {
            record_failure "suite [file tail $f] aborted" "$err\n[dict get $opts -errorinfo]"
        }
        foreach g [info globals] {
            if {$g ni $globals_before} { catch {uplevel #0 [list unset $g]} }
        }
        # a suite that aborted may leave servers on the stack
        while {[llength $::kvd::servers]} {
            set s [lindex $::kvd::servers end]
            set ::kvd::servers [lrange $::kvd::servers 0 end-1]
            ::kvd::stop $s
        }
    }
    cleanup_tmp
    if {$list_only} { exit 0 }
    set secs [format %.1f [expr {([clock milliseconds] - $t0) / 1000.0}]]
    if {$::kvd::failed} {
        puts "\nfailed tests:"
        foreach f $::kvd::failures { puts "  $f" }
    }
    if {$::kvd::skipped} { puts "skipped: $::kvd::skipped" }
    puts "time: ${secs}s"
    puts "$::kvd::passed passed, $::kvd::failed failed"
    exit [expr {$::kvd::failed ? 1 : 0}]
}

::kvd::main $argv
