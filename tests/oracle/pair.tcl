# tests/oracle/pair.tcl: the server pair under comparison and the sequence runner.
#
# Owns starting kvd and redis-server side by side, running one command
# sequence on fresh state on both, comparing the raw reply bytes, and shrinking
# a failing sequence. Knows nothing of where sequences come from (cases.tcl,
# gen.tcl). Start at ::oracle::run_seq; a sequence is a list of items
# {flags argv}, flags being a list of normalisations (see ::oracle::normalize).
#
# SPDX-License-Identifier: BSD-3-Clause

namespace eval ::oracle {
    variable sides {redis kvd}
    variable bin              ;# array: side -> binary path
    variable srv              ;# array: side -> server dict from ::kvd::start
    variable ctl              ;# array: side -> control client (RESP2, FLUSHALL)
    variable compared 0       ;# commands compared, shrinking runs excluded
    variable counting 1
    variable timeout_ms 5000
    variable batch 32         ;# commands pipelined before replies are read
    variable crashes {}       ;# log tails of kvd crashes seen
    variable show 0           ;# print every command with redis's reply
}

proc ::oracle::start_side {side} {
    variable bin
    variable srv
    variable ctl
    variable timeout_ms
    set srv($side) [::kvd::start {} $bin($side)]
    set ctl($side) [::resp::connect 127.0.0.1 [dict get $srv($side) port] 0]
    $ctl($side) set_timeout $timeout_ms
}

proc ::oracle::start_all {} {
    variable sides
    foreach side $sides { start_side $side }
}

proc ::oracle::stop_all {} {
    variable sides
    variable srv
    variable ctl
    foreach side $sides {
        if {[info exists ctl($side)]} { catch {$ctl($side) close} }
        if {[info exists srv($side)]} { ::kvd::stop $srv($side) }
    }
}

# A side whose process died (a crash on some command) is restarted so that
# shrinking and the following sequences still run; the log tail is kept.
proc ::oracle::ensure_alive {side} {
    variable srv
    variable ctl
    variable crashes
    if {[::kvd::pid_alive [dict get $srv($side) pid]]} { return }
    lappend crashes "$side died; log tail:\n[::kvd::log_tail [dict get $srv($side) log] 15]"
    catch {$ctl($side) close}
    ::kvd::stop $srv($side)
    start_side $side
}

# Empties every db of both servers through the control connections.
proc ::oracle::reset_state {} {
    variable sides
    variable srv
    variable ctl
    variable timeout_ms
    foreach side $sides {
        ensure_alive $side
        if {[catch {$ctl($side) rawcmd FLUSHALL} r] || $r ne "+OK\r\n"} {
            catch {$ctl($side) close}
            set ctl($side) [::resp::connect 127.0.0.1 [dict get $srv($side) port] 0]
            $ctl($side) set_timeout $timeout_ms
            set r [$ctl($side) rawcmd FLUSHALL]
            if {$r ne "+OK\r\n"} {
                error "FLUSHALL on $side replied [::resp::printable $r]"
            }
        }
    }
}

# Settings a block may change with CONFIG SET, and their defaults: restored
# after any block that ran CONFIG SET so that it cannot leak into the next.
set ::oracle::config_defaults {
    list-max-listpack-size -2 list-compress-depth 0
    hash-max-listpack-entries 128 hash-max-listpack-value 64
    set-max-intset-entries 512
    zset-max-listpack-entries 128 zset-max-listpack-value 64
    notify-keyspace-events ""
}

proc ::oracle::restore_config {items} {
    variable sides
    variable ctl
    set touched 0
    foreach it $items {
        set argv [lindex $it 1]
        if {[string tolower [lindex $argv 0]] eq "config" &&
            [string tolower [lindex $argv 1]] eq "set"} { set touched 1 }
    }
    if {!$touched} { return }
    foreach side $sides {
        foreach {k v} $::oracle::config_defaults {
            catch {$ctl($side) rawcmd CONFIG SET $k $v}
        }
    }
}

# Opens one fresh client per side, switched to RESP3 when proto is 3.
# Returns a dict side -> client, or raises when HELLO 3 is refused.
proc ::oracle::open_clients {proto} {
    variable sides
    variable srv
    variable timeout_ms
    set out {}
    foreach side $sides {
        set c [::resp::connect 127.0.0.1 [dict get $srv($side) port] 0]
        $c set_timeout $timeout_ms
        dict set out $side $c
        if {$proto == 3} {
            # the HELLO reply carries version and client id, so it is checked
            # for its shape only
            if {[catch {$c rawcmd HELLO 3} r] || [string index $r 0] ne "%"} {
                foreach c2 [dict values $out] { catch {$c2 close} }
                error "HELLO 3 on $side: [::resp::printable $r]"
            }
        }
    }
    return $out
}

# Replies whose content legitimately differs are brought to a common form:
#   sort  - the elements of a top-level array are sorted (KEYS order is the
#           hash table's)
#   sign  - a positive integer becomes ":<positive>" (TTLs that depend on the
#           clock)
proc ::oracle::normalize {raw flags} {
    if {"sort" in $flags && [string index $raw 0] in {* ~}} {
        set e [string first "\r\n" $raw]
        set head [string range $raw 0 [expr {$e + 1}]]
        set elems {}
        set pos [expr {$e + 2}]
        set len [string length $raw]
        while {$pos < $len} {
            set end [elem_end $raw $pos]
            lappend elems [string range $raw $pos [expr {$end - 1}]]
            set pos $end
        }
        return "$head[join [lsort $elems] {}]"
    }
    if {"sign" in $flags && [regexp {^:([0-9]+)\r\n$} $raw -> n] && $n > 0} {
        return ":<positive>\r\n"
    }
    return $raw
}

# Offset just past the RESP value starting at pos in s.
proc ::oracle::elem_end {s pos} {
    set e [string first "\r\n" $s $pos]
    if {$e < 0} { return [string length $s] }
    set t [string index $s $pos]
    set n [string range $s [expr {$pos + 1}] [expr {$e - 1}]]
    set p [expr {$e + 2}]
    if {![string is integer -strict $n]} { return $p }
    switch -exact -- $t {
        $ - ! - = { if {$n >= 0} { set p [expr {$p + $n + 2}] } }
        * - ~ - > { for {set i 0} {$i < $n} {incr i} { set p [elem_end $s $p] } }
        % - | {
            set k [expr {2 * $n + ($t eq "|" ? 1 : 0)}]
            for {set i 0} {$i < $k} {incr i} { set p [elem_end $s $p] }
        }
    }
    return $p
}

# Reads one raw reply; a dead connection or a timeout becomes a marker text
# that can never equal a real reply.
proc ::oracle::read_one {c deadvar} {
    upvar 1 $deadvar dead
    if {$dead} { return "<connection closed>" }
    if {[catch {$c read_raw_reply} r]} {
        set dead 1
        return "<$r>"
    }
    return $r
}

# Runs items on fresh state (all dbs empty, new connections) in protocol
# proto. Returns "" when every reply matched, otherwise a dict with index,
# argv, redis and kvd (normalised raw replies) of the first mismatch.
proc ::oracle::run_seq {items proto} {
    variable sides
    variable batch
    variable compared
    variable counting
    variable show
    reset_state
    if {[catch {open_clients $proto} clients]} {
        return [dict create index -1 argv [list HELLO 3] redis "%..." kvd $clients]
    }
    set result ""
    set n [llength $items]
    for {set start 0} {$start < $n && $result eq ""} {incr start $batch} {
        set chunk [lrange $items $start [expr {$start + $batch - 1}]]
        set out ""
        foreach it $chunk { append out [::resp::encode [lindex $it 1]] }
        foreach side $sides {
            set dead($side) 0
            set c [dict get $clients $side]
            if {[catch {$c raw $out}]} { set dead($side) 1 }
        }
        set i $start
        foreach it $chunk {
            set flags [lindex $it 0]
            foreach side $sides {
                set rep($side) [normalize [read_one [dict get $clients $side] dead($side)] $flags]
            }
            if {$counting} { incr compared }
            if {$show && $counting} {
                puts "  RESP$proto [fmt_cmd [lindex $it 1]]  ->  [::resp::printable $rep(redis)]"
            }
            if {$rep(redis) ne $rep(kvd)} {
                set result [dict create index $i argv [lindex $it 1] \
                                redis $rep(redis) kvd $rep(kvd)]
                break
            }
            incr i
        }
    }
    foreach c [dict values $clients] { catch {$c close} }
    restore_config $items
    return $result
}

# Shrinks a failing sequence: the result still fails, with its mismatch on
# the last item. Tries dropping items unrelated to the failing command's
# arguments first, then chunks of decreasing size. Bounded by secs.
proc ::oracle::shrink {items proto secs} {
    variable counting
    set counting 0
    set deadline [expr {[clock milliseconds] + $secs * 1000}]
    set r [run_seq $items $proto]
    if {$r eq ""} { set counting 1; return [list $items ""] }
    set items [lrange $items 0 [dict get $r index]]
    set last $r

    # commands that touch none of the failing command's arguments and do not
    # act on whole dbs rarely matter
    set words [lrange [lindex $items end 1] 1 end]
    set cand {}
    foreach it [lrange $items 0 end-1] {
        set argv [lindex $it 1]
        set keep [expr {[string tolower [lindex $argv 0]] in {select swapdb flushdb flushall}}]
        foreach a [lrange $argv 1 end] { if {$a in $words} { set keep 1 } }
        if {$keep} { lappend cand $it }
    }
    lappend cand [lindex $items end]
    if {[llength $cand] < [llength $items]} {
        set r [run_seq $cand $proto]
        if {$r ne ""} { set items [lrange $cand 0 [dict get $r index]]; set last $r }
    }

    set chunk [expr {max(1, ([llength $items] - 1) / 2)}]
    while {[clock milliseconds] < $deadline && [llength $items] > 1} {
        set progress 0
        set i 0
        while {$i < [llength $items] - 1 && [clock milliseconds] < $deadline} {
            set j [expr {min($i + $chunk, [llength $items] - 1) - 1}]
            set cand [lreplace $items $i $j]
            set r [run_seq $cand $proto]
            if {$r ne ""} {
                set items [lrange $cand 0 [dict get $r index]]
                set last $r
                set progress 1
            } else {
                incr i $chunk
            }
        }
        if {$chunk > 1} {
            set chunk [expr {$chunk / 2}]
        } elseif {!$progress} {
            break
        }
    }
    set counting 1
    return [list $items $last]
}

# Formats one argument the way a case file line would spell it.
proc ::oracle::fmt_arg {a} {
    if {$a ne "" && [regexp {^[A-Za-z0-9_.:{}*?+=/<>,@!%^&()\[\]-]+$} $a]} { return $a }
    set out "\""
    foreach ch [split $a ""] {
        scan $ch %c code
        switch -exact -- $ch {
            "\"" { append out "\\\"" }
            "\\" { append out "\\\\" }
            "\n" { append out "\\n" }
            "\r" { append out "\\r" }
            "\t" { append out "\\t" }
            default {
                if {$code < 32 || $code > 126} {
                    append out [format {\x%02x} $code]
                } else {
                    append out $ch
                }
            }
        }
    }
    return "$out\""
}

proc ::oracle::fmt_cmd {argv} {
    set parts {}
    foreach a $argv { lappend parts [fmt_arg $a] }
    return [join $parts " "]
}

# Prints a mismatch report: what ran, what each server answered.
proc ::oracle::report {title items mm proto} {
    variable crashes
    puts "oracle: MISMATCH $title (RESP$proto)"
    puts "  minimal sequence ([llength $items] commands, run on empty dbs, fresh connection[expr {$proto == 3 ? ", after HELLO 3" : ""}]):"
    foreach it $items { puts "    [fmt_item $it]" }
    if {$mm ne ""} {
        if {[dict exists $mm item]} {
            puts "  last line: [fmt_item [dict get $mm item]]"
            puts "  replies that arrived after it, per client:"
            puts "  redis: [dict get $mm redis]"
            puts "  kvd:   [dict get $mm kvd]"
        } else {
            puts "  last command: [fmt_cmd [dict get $mm argv]]"
            puts "  redis: [::resp::printable [dict get $mm redis]]"
            puts "  kvd:   [::resp::printable [dict get $mm kvd]]"
        }
    }
    foreach c [lrange $crashes 0 1] { puts "  [string map {\n "\n    "} $c]" }
    if {[llength $crashes] > 2} {
        puts "  ([expr {[llength $crashes] - 2}] more restarts after deaths during shrinking)"
    }
    set crashes {}
}

# ---- stepped runs: several clients, blocking commands, pub/sub ---------------
#
# A stepped block sends one line at a time to both servers. After each line
# the runner syncs each server: two PING round trips on the control
# connection. The server handles the line's command in the same or an earlier
# event-loop pass than the first PING and writes every reply of that pass
# (the sender's and those of clients it woke) before it reads the second
# PING, so once the second PONG is in, everything the line caused is in our
# socket buffers: no fixed wait, and a command that blocks simply has no
# reply yet. Each client's complete replies are then taken in arrival order
# and compared per client ("which client got which reply"). Time-driven
# replies (timeouts) are collected after a "!sleep MS" directive.

# Offset just past the complete RESP value at pos in s, or -1 if s ends
# before the value does.
proc ::oracle::reply_end {s pos} {
    set e [string first "\r\n" $s $pos]
    if {$e < 0} { return -1 }
    set t [string index $s $pos]
    set n [string range $s [expr {$pos + 1}] [expr {$e - 1}]]
    set p [expr {$e + 2}]
    if {$t in {$ ! = * ~ > % |} && ![string is integer -strict $n]} { return $p }
    switch -exact -- $t {
        $ - ! - = {
            if {$n >= 0} {
                set p [expr {$p + $n + 2}]
                if {$p > [string length $s]} { return -1 }
            }
        }
        * - ~ - > - % - | {
            set k $n
            if {$t eq "%"} { set k [expr {2 * $n}] }
            if {$t eq "|"} { set k [expr {2 * $n + 1}] }
            for {set i 0} {$i < $k} {incr i} {
                set p [reply_end $s $p]
                if {$p < 0} { return -1 }
            }
        }
    }
    return $p
}

# Stream state of stepped clients: array st, keys "side,n,field".
proc ::oracle::st_open {side n} {
    variable srv
    variable st
    set fd [socket 127.0.0.1 [dict get $srv($side) port]]
    fconfigure $fd -translation binary -encoding binary -blocking 0 -buffering full
    set st($side,$n,fd) $fd
    set st($side,$n,buf) ""
    set st($side,$n,closed) 0
}

proc ::oracle::st_send {side n argv} {
    variable st
    variable timeout_ms
    if {$st($side,$n,closed)} { return }
    set fd $st($side,$n,fd)
    if {[catch {
        puts -nonewline $fd [::resp::encode $argv]
        flush $fd
        set deadline [expr {[clock milliseconds] + $timeout_ms}]
        while {[chan pending output $fd] > 0} {
            if {[clock milliseconds] > $deadline} { error "write timeout" }
            after 1
            flush $fd
        }
    }]} {
        set st($side,$n,closed) 1
    }
}

# Takes every complete reply buffered for client n; reads what the socket
# has without waiting. A connection the server closed yields one final
# "<connection closed>" entry.
proc ::oracle::st_take {side n} {
    variable st
    set out {}
    if {![info exists st($side,$n,fd)]} { return $out }
    if {!$st($side,$n,closed)} {
        set fd $st($side,$n,fd)
        if {[catch {read $fd} data]} { set data ""; set eof 1 } else { set eof [eof $fd] }
        append st($side,$n,buf) $data
        if {$eof} { set st($side,$n,closed) 2 }
    }
    set buf $st($side,$n,buf)
    set pos 0
    while {$pos < [string length $buf]} {
        set e [reply_end $buf $pos]
        if {$e < 0} { break }
        lappend out [string range $buf $pos [expr {$e - 1}]]
        set pos $e
    }
    set st($side,$n,buf) [string range $buf $pos end]
    if {$st($side,$n,closed) == 2} {
        if {$st($side,$n,buf) ne ""} {
            lappend out "<partial reply: [::resp::printable $st($side,$n,buf)]>"
        }
        lappend out "<connection closed>"
        set st($side,$n,closed) 1
        set st($side,$n,buf) ""
    }
    return $out
}

# Waits (bounded) for one reply on client n: used for HELLO and CLIENT ID.
proc ::oracle::st_wait_one {side n} {
    variable timeout_ms
    set deadline [expr {[clock milliseconds] + $timeout_ms}]
    while {1} {
        set r [st_take $side $n]
        if {[llength $r]} { return [lindex $r 0] }
        if {[clock milliseconds] > $deadline} { return "<timeout>" }
        after 1
    }
}

proc ::oracle::st_close {side n} {
    variable st
    if {[info exists st($side,$n,fd)]} { catch {close $st($side,$n,fd)} }
    array unset st "$side,$n,*"
}

# Two PING round trips on both control connections (see above).
proc ::oracle::sync_sides {} {
    variable sides
    variable ctl
    foreach round {1 2} {
        foreach side $sides {
            if {[catch {$ctl($side) raw [::resp::encode PING]}]} { continue }
        }
        foreach side $sides {
            if {[catch {$ctl($side) read_raw_reply} r] || $r ne "+PONG\r\n"} {
                error "sync PING on $side failed: $r (a server paused or hung?)"
            }
        }
    }
}

# Several subscribe-family frames of one command (UNSUBSCRIBE with no
# arguments walks a hash table): the channels compare as a set, the counts
# in order.
proc ::oracle::sort_frames {reps} {
    set frames {}
    set counts {}
    foreach r $reps {
        if {[regexp {^([*>]3\r\n\$[0-9]+\r\n[a-z]+\r\n)(.*)(:[0-9]+\r\n)$} $r -> kind ch cnt]} {
            lappend frames "$kind$ch"
            lappend counts $cnt
        } else {
            lappend frames $r
        }
    }
    return [concat [lsort $frames] [list "counts [join $counts ""]"]]
}

# One line of a stepped block as a case file would spell it.
proc ::oracle::fmt_item {it} {
    lassign $it flags argv client
    if {$flags eq "directive"} { return "![join $argv " "]" }
    set pre ""
    if {$client ne "" && $client != 1} { set pre "@$client " }
    if {"sign" in $flags} { append pre "~ " }
    return "$pre[fmt_cmd $argv]"
}

# Runs a stepped block on fresh state in protocol proto. Returns "" when
# every line's replies matched, otherwise a dict like run_seq's whose redis
# and kvd texts list, per client, the replies that line produced.
proc ::oracle::run_steps {items proto} {
    variable sides
    variable compared
    variable counting
    variable show
    variable st
    reset_state
    set nclients 1
    foreach it $items {
        lassign $it flags argv client
        if {$flags eq "directive"} {
            if {[lindex $argv 0] ne "close"} { continue }
            set client [lindex $argv 1]
        }
        set nclients [expr {max($nclients, $client)}]
    }
    set want_ids [expr {[lsearch -regexp [join [lmap it $items {lindex $it 1}]] {^\$id[1-9]$}] >= 0}]
    set result ""
    foreach side $sides {
        for {set n 1} {$n <= $nclients} {incr n} {
            st_open $side $n
            if {$proto == 3} {
                st_send $side $n {HELLO 3}
                set r [st_wait_one $side $n]
                if {[string index $r 0] ne "%"} {
                    set result [dict create index -1 argv {HELLO 3} redis "%..." kvd $r]
                }
            }
            if {$want_ids} {
                st_send $side $n {CLIENT ID}
                set r [st_wait_one $side $n]
                regexp {^:([0-9]+)} $r -> ids($side,$n)
            }
        }
    }
    set i -1
    foreach it $items {
        incr i
        if {$result ne ""} { break }
        lassign $it flags argv client
        if {$flags eq "directive"} {
            lassign $argv what arg
            if {$what eq "sleep"} {
                after $arg
            } else {
                foreach side $sides { st_close $side $arg }
            }
        } else {
            foreach side $sides {
                set a {}
                foreach w $argv {
                    if {[regexp {^\$id([1-9])$} $w -> k] && [info exists ids($side,$k)]} {
                        set w $ids($side,$k)
                    }
                    lappend a $w
                }
                st_send $side $client $a
            }
        }
        sync_sides
        foreach side $sides {
            set got($side) {}
            for {set n 1} {$n <= $nclients} {incr n} {
                set reps [st_take $side $n]
                if {![llength $reps]} { continue }
                if {$n == $client && $flags ne "directive"} {
                    set reps [lmap r $reps { normalize $r $flags }]
                }
                # "%" also covers frames that reach any client in hash order
                # (a message matching several patterns)
                if {"sort" in $flags && [llength $reps] > 1} {
                    set reps [sort_frames $reps]
                }
                lappend got($side) "@$n [join [lmap r $reps {::resp::printable $r}] " "]"
            }
            set got($side) [join $got($side) "  "]
        }
        if {$flags ne "directive" && $counting} { incr compared }
        if {$show && $counting} {
            puts "  RESP$proto [fmt_item $it]  ->  $got(redis)"
        }
        if {$got(redis) ne $got(kvd)} {
            set result [dict create index $i argv $argv item $it \
                            redis $got(redis) kvd $got(kvd) printable 1]
        }
    }
    foreach side $sides {
        for {set n 1} {$n <= $nclients} {incr n} { st_close $side $n }
    }
    restore_config $items
    return $result
}
