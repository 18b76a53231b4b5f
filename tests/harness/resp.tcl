# tests/harness/resp.tcl: a small RESP2/RESP3 client over a Tcl socket.
#
# A client is a command, e.g. `set c [redis_client]`, then `$c set foo bar`.
# Commands go out as multibulk (binary safe: one Tcl character = one byte,
# characters above 255 are sent as UTF-8). Replies are decoded into Tcl values:
# errors raise a Tcl error (message without the leading '-', errorCode RESP),
# nulls become {}, maps become flat lists, booleans 1/0, doubles, big numbers and
# verbatim strings become their text, attributes are skipped.
#
# Subcommands that are not sent to the server:
#   $c read                  read and decode one reply
#   $c raw BYTES             send BYTES as they are (no reply read)
#   $c read_raw_reply        read one reply and return its exact bytes
#   $c rawcmd ARGS...        send ARGS as multibulk, return the reply's exact bytes
#   $c wait_closed ?ms?      1 if the server closes the connection within ms, else 0
#   $c close                 close the socket
#   $c fd                    the underlying channel
#   $c set_timeout MS        per-read timeout (default 10000)
# A deferring client (redis_deferring_client) only sends; replies are read with
# `$c read` / `$c read_raw_reply`.

namespace eval ::resp {
    variable seq 0
    variable st               ;# array: "$id,field" -> value
    variable last_sent ""     ;# last command sent by any client (for failure reports)
    variable last_reply ""    ;# last reply read by any client
    variable default_timeout_ms 10000
}

# Opens a client to host:port. Returns the command name of the new client.
proc ::resp::connect {host port {deferring 0}} {
    variable seq
    variable st
    variable default_timeout_ms
    set fd [socket $host $port]
    fconfigure $fd -translation binary -encoding binary -blocking 0 -buffering full
    set id [incr seq]
    set st($id,fd) $fd
    set st($id,buf) ""
    set st($id,pos) 0
    set st($id,deferring) $deferring
    set st($id,timeout) $default_timeout_ms
    set st($id,eof) 0
    set name ::resp::client$id
    interp alias {} $name {} ::resp::dispatch $id
    return $name
}

proc ::resp::dispatch {id args} {
    variable st
    if {![info exists st($id,fd)]} {
        error "client $id is closed"
    }
    set sub [lindex $args 0]
    switch -exact -- $sub {
        read { return [read_reply $id] }
        raw {
            send_bytes $id [lindex $args 1]
            return
        }
        read_raw_reply { return [read_raw $id] }
        rawcmd {
            send_bytes $id [encode [lrange $args 1 end]]
            set ::resp::last_sent [printable [lrange $args 1 end]]
            return [read_raw $id]
        }
        wait_closed {
            set ms [expr {[llength $args] > 1 ? [lindex $args 1] : 5000}]
            return [wait_closed $id $ms]
        }
        close { close_client $id; return }
        fd { return $st($id,fd) }
        set_timeout { set st($id,timeout) [lindex $args 1]; return }
        default {
            send_bytes $id [encode $args]
            set ::resp::last_sent [printable [string range $args 0 300]]
            if {$st($id,deferring)} { return }
            return [read_reply $id]
        }
    }
}

proc ::resp::encode {argv} {
    set out "*[llength $argv]\r\n"
    foreach a $argv {
        if {![regexp {^[\x00-\xff]*$} $a]} {
            set a [encoding convertto utf-8 $a]
        }
        append out "\$[string length $a]\r\n$a\r\n"
    }
    return $out
}

proc ::resp::send_bytes {id bytes} {
    variable st
    variable last_sent
    set last_sent [printable [string range $bytes 0 300]]
    if {[catch {
        puts -nonewline $st($id,fd) $bytes
        flush_all $id
    } err]} {
        error "write failed: $err"
    }
}

# flush on a non-blocking channel may leave data queued; drain it with a
# bounded wait so large writes (pipelines) are fully sent.
proc ::resp::flush_all {id} {
    variable st
    set fd $st($id,fd)
    flush $fd
    set deadline [expr {[clock milliseconds] + $st($id,timeout)}]
    while {[chan pending output $fd] > 0} {
        if {[clock milliseconds] > $deadline} { error "timeout writing to server" }
        after 1
        flush $fd
    }
}

proc ::resp::close_client {id} {
    variable st
    catch {close $st($id,fd)}
    array unset st "$id,*"
    catch {interp alias {} ::resp::client$id {}}
}

# Waits until the socket is readable (or at EOF) or the timeout passes.
proc ::resp::wait_readable {id ms} {
    variable st
    variable ev
    set fd $st($id,fd)
    set ev($id) ""
    fileevent $fd readable [list set ::resp::ev($id) r]
    set aid [after $ms [list set ::resp::ev($id) t]]
    vwait ::resp::ev($id)
    after cancel $aid
    catch {fileevent $fd readable {}}
    return [expr {$ev($id) eq "r"}]
}

# Appends whatever the socket has to the buffer; waits (bounded) if nothing.
proc ::resp::fill {id} {
    variable st
    set fd $st($id,fd)
    if {$st($id,eof)} { error "connection closed by server" }
    set data [read $fd]
    if {$data eq ""} {
        if {[eof $fd]} { set st($id,eof) 1; error "connection closed by server" }
        if {![wait_readable $id $st($id,timeout)]} {
            error "timeout after $st($id,timeout) ms waiting for a reply"
        }
        set data [read $fd]
        if {$data eq "" && [eof $fd]} {
            set st($id,eof) 1
            error "connection closed by server"
        }
    }
    # compact the consumed part of the buffer before appending
    if {$st($id,pos) > 0} {
        set st($id,buf) [string range $st($id,buf) $st($id,pos) end]
        set st($id,pos) 0
    }
    append st($id,buf) $data
}

proc ::resp::read_line {id} {
    variable st
    while {1} {
        set i [string first "\r\n" $st($id,buf) $st($id,pos)]
        if {$i >= 0} {
            set line [string range $st($id,buf) $st($id,pos) [expr {$i - 1}]]
            set st($id,pos) [expr {$i + 2}]
            return $line
        }
        fill $id
    }
}

proc ::resp::read_bytes {id n} {
    variable st
    while {[string length $st($id,buf)] - $st($id,pos) < $n + 2} {
        fill $id
    }
    set s [string range $st($id,buf) $st($id,pos) [expr {$st($id,pos) + $n - 1}]]
    incr st($id,pos) [expr {$n + 2}]
    return $s
}

# Decodes one reply. Errors are returned as {1 message}, values as {0 value},
# so that errors nested in arrays (EXEC) don't abort the whole read.
proc ::resp::parse {id} {
    set line [read_line $id]
    set t [string index $line 0]
    set rest [string range $line 1 end]
    switch -exact -- $t {
        + { return [list 0 $rest] }
        - { return [list 1 $rest] }
        : { return [list 0 $rest] }
        , { return [list 0 $rest] }
        ( { return [list 0 $rest] }
        # { return [list 0 [expr {$rest eq "t" ? 1 : 0}]] }
        _ { return [list 0 {}] }
        $ {
            if {$rest == -1} { return [list 0 {}] }
            return [list 0 [read_bytes $id $rest]]
        }
        ! { return [list 1 [read_bytes $id $rest]] }
        = {
            set s [read_bytes $id $rest]
            return [list 0 [string range $s 4 end]]
        }
        * - ~ - > {
            if {$rest == -1} { return [list 0 {}] }
            set out {}
            for {set i 0} {$i < $rest} {incr i} {
                lappend out [lindex [parse $id] 1]
            }
            return [list 0 $out]
        }
        % {
            set out {}
            for {set i 0} {$i < 2 * $rest} {incr i} {
                lappend out [lindex [parse $id] 1]
            }
            return [list 0 $out]
        }
        | {
            for {set i 0} {$i < 2 * $rest} {incr i} { parse $id }
            return [parse $id]
        }
        default {
            error "protocol error from server: unexpected line '[printable $line]'"
        }
    }
}

proc ::resp::read_reply {id} {
    variable last_reply
    lassign [parse $id] iserr val
    set last_reply [printable [string range $val 0 300]]
    if {$iserr} {
        set last_reply "-$val"
        return -code error -errorcode [list RESP $val] $val
    }
    return $val
}

# Reads one reply and returns its exact bytes (lines and blocks are re-emitted
# as they are consumed, which is robust against buffer compaction).
proc ::resp::read_raw {id} {
    variable last_reply
    set ::resp::raw_out($id) ""
    raw_one $id
    set raw $::resp::raw_out($id)
    unset ::resp::raw_out($id)
    set last_reply [printable [string range $raw 0 300]]
    return $raw
}

proc ::resp::raw_one {id} {
    set line [read_line $id]
    append ::resp::raw_out($id) "$line\r\n"
    set t [string index $line 0]
    set rest [string range $line 1 end]
    switch -exact -- $t {
        $ - ! - = {
            if {$rest >= 0} { append ::resp::raw_out($id) "[read_bytes $id $rest]\r\n" }
        }
        * - ~ - > { for {set i 0} {$i < $rest} {incr i} { raw_one $id } }
        % - | {
            for {set i 0} {$i < 2 * $rest} {incr i} { raw_one $id }
            if {$t eq "|"} { raw_one $id }
        }
        default {}
    }
}

# Returns 1 when the server closes the connection within ms (any pending
# bytes are discarded), 0 otherwise.
proc ::resp::wait_closed {id ms} {
    variable st
    set fd $st($id,fd)
    set deadline [expr {[clock milliseconds] + $ms}]
    while {1} {
        if {[catch {read $fd} data]} { return 1 }
        if {$data eq "" && [eof $fd]} { set st($id,eof) 1; return 1 }
        set left [expr {$deadline - [clock milliseconds]}]
        if {$left <= 0} { return 0 }
        if {$data eq ""} { wait_readable $id $left }
    }
}

# Makes bytes readable in reports: \r \n and non-printables escaped.
proc ::resp::printable {s} {
    set out ""
    foreach ch [split $s ""] {
        scan $ch %c code
        if {$ch eq "\r"} { append out {\r}
        } elseif {$ch eq "\n"} { append out {\n}
        } elseif {$ch eq "\\"} { append out {\\}
        } elseif {$code < 32 || $code > 126} { append out [format {\x%02x} $code]
        } else { append out $ch }
    }
    return $out
}
