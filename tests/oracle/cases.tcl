# tests/oracle/cases.tcl: reads the scripted case files (tests/oracle/cases/*.txt).
#
# Owns the case file format only; running and comparing is pair.tcl's job.
# Format: one command per line, arguments split like redis-cli does
# (whitespace; "double quotes" with \n \r \t \b \a \\ \" \xHH escapes;
# 'single quotes' with only \' special). '#' starts a comment line. A blank
# line ends a block; every block runs on empty dbs and a fresh connection,
# so a mismatch in one block cannot spill into the next. A line starting
# with "~ " compares positive integer replies only as "positive" (PTTL and
# friends, whose exact value depends on the clock); "% " sorts an array
# reply's elements (set members from a hash table).
#
# Several clients: a line "@N CMD ..." is run by client N of the block
# (client 1 without a prefix); every client is a fresh connection per block
# and per protocol. An argument "$idN" is replaced by client N's CLIENT ID on
# each server, so CLIENT UNBLOCK/KILL can be compared. Runner directives:
#   !sleep MS     wait MS milliseconds, then collect what arrived (timeouts)
#   !close N      close client N's connection (a blocked client that leaves)
# A block with a prefix, a directive, or a command that blocks or subscribes
# runs step by step (stepped in pair.tcl): each line is sent alone, the
# servers are synced, and every client's replies that arrived are compared.
# Start at ::cases::load.
#
# SPDX-License-Identifier: BSD-3-Clause

namespace eval ::cases {}

# Splits one line into arguments; raises on unbalanced quotes.
proc ::cases::split_line {line} {
    set args {}
    set i 0
    set n [string length $line]
    while {1} {
        while {$i < $n && [string is space [string index $line $i]]} { incr i }
        if {$i >= $n} { break }
        set cur ""
        set q [string index $line $i]
        if {$q eq "\"" || $q eq "'"} {
            incr i
            set closed 0
            while {$i < $n} {
                set c [string index $line $i]
                if {$c eq "\\" && $i + 1 < $n} {
                    set d [string index $line [expr {$i + 1}]]
                    if {$q eq "'"} {
                        if {$d eq "'"} { append cur "'"; incr i 2; continue }
                        append cur $c
                        incr i
                        continue
                    }
                    set hex [string range $line [expr {$i + 2}] [expr {$i + 3}]]
                    if {$d eq "x" && [regexp {^[0-9a-fA-F]{2}$} $hex]} {
                        append cur [format %c [scan $hex %x]]
                        incr i 4
                        continue
                    }
                    switch -exact -- $d {
                        n { append cur "\n" }
                        r { append cur "\r" }
                        t { append cur "\t" }
                        b { append cur "\b" }
                        a { append cur "\a" }
                        default { append cur $d }
                    }
                    incr i 2
                    continue
                }
                if {$c eq $q} {
                    incr i
                    if {$i < $n && ![string is space [string index $line $i]]} {
                        error "closing quote must be followed by a space"
                    }
                    set closed 1
                    break
                }
                append cur $c
                incr i
            }
            if {!$closed} { error "unbalanced quotes" }
        } else {
            while {$i < $n && ![string is space [string index $line $i]]} {
                append cur [string index $line $i]
                incr i
            }
        }
        lappend args $cur
    }
    return $args
}

# Commands whose reply may be late, absent or several: their blocks run stepped.
set ::cases::stepped_cmds {blpop brpop brpoplpush blmove blmpop bzpopmin bzpopmax
    bzmpop subscribe unsubscribe psubscribe punsubscribe ssubscribe sunsubscribe
    monitor}

# Returns a list of blocks {name items stepped}; name is "file:line" of the
# block's first command; items as pair.tcl expects ({flags argv client});
# stepped is 1 when the block must run line by line (see above).
proc ::cases::load {path} {
    set f [open $path r]
    fconfigure $f -encoding utf-8
    set lines [split [read $f] \n]
    close $f
    set blocks {}
    set items {}
    set stepped 0
    set name ""
    set lineno 0
    foreach line [concat $lines [list ""]] {
        incr lineno
        set t [string trim $line]
        if {$t eq ""} {
            if {[llength $items]} { lappend blocks [list $name $items $stepped] }
            set items {}
            set stepped 0
            continue
        }
        if {[string index $t 0] eq "#"} { continue }
        if {![llength $items]} { set name "[file tail $path]:$lineno" }
        if {[string index $t 0] eq "!"} {
            set argv [split_line [string range $t 1 end]]
            lassign $argv what n
            if {$what ni {sleep close} || ![string is integer -strict $n] || [llength $argv] != 2} {
                error "[file tail $path]:$lineno: bad directive '$t'"
            }
            lappend items [list directive $argv 0]
            set stepped 1
            continue
        }
        set client 1
        if {[regexp {^@([0-9]+)\s+(.*)$} $t -> client t]} {
            if {$client < 1 || $client > 9} {
                error "[file tail $path]:$lineno: client number must be 1..9"
            }
            set stepped 1
        }
        set flags {}
        while {[string range $t 0 1] in {"~ " "% "}} {
            lappend flags [expr {[string index $t 0] eq "~" ? "sign" : "sort"}]
            set t [string trimleft [string range $t 2 end]]
        }
        if {[catch {split_line $t} argv]} {
            error "[file tail $path]:$lineno: $argv"
        }
        set cmd [string tolower [lindex $argv 0]]
        if {$cmd eq "keys"} { lappend flags sort }
        if {$cmd in $::cases::stepped_cmds || [lsearch -regexp $argv {^\$id[1-9]$}] >= 0} {
            set stepped 1
        }
        lappend items [list $flags $argv $client]
    }
    return $blocks
}
