# tests/harness/server.tcl: start and stop the server under test.
#
# The binary is $::env(KVD_BIN), default <repo>/kvd (then <repo>/build/kvd).
# It is started with the redis-server command line on a free port, in a fresh
# temp dir, with stdout/stderr in <dir>/server.log, and killed by PID.
#
#   with_server {tags {strings} overrides {maxclients 10}} { ... r get foo ... }
#
# Inside the body, `r` talks to the default client of the innermost server,
# `srv port` / `srv host` / `srv pid` / `srv dir` / `srv log` describe it,
# `redis_client` / `redis_deferring_client` open more clients to it.

source [file join [file dirname [info script]] resp.tcl]

namespace eval ::kvd {
    variable repo [file normalize [file join [file dirname [info script]] .. ..]]
    variable servers {}        ;# stack of server dicts, innermost last
    variable tmproot ""
    variable dircount 0
    variable start_timeout_ms 10000
    variable extra_clients {}  ;# clients opened by tests on the innermost server
}

proc ::kvd::binary_path {} {
    variable repo
    if {[info exists ::env(KVD_BIN)] && $::env(KVD_BIN) ne ""} {
        return $::env(KVD_BIN)
    }
    set p [file join $repo kvd]
    if {![file exists $p] && [file exists [file join $repo build kvd]]} {
        set p [file join $repo build kvd]
    }
    return $p
}

# Binds a listening socket on port 0, reads the port the kernel chose, closes it.
# Never returns 6379.
proc ::kvd::free_port {} {
    while {1} {
        set s [socket -server {apply {{args} {}}} -myaddr 127.0.0.1 0]
        set port [lindex [fconfigure $s -sockname] 2]
        close $s
        if {$port != 6379} { return $port }
    }
}

proc ::kvd::tmpdir {} {
    variable tmproot
    variable dircount
    if {$tmproot eq ""} {
        set base [expr {[info exists ::env(TMPDIR)] ? $::env(TMPDIR) : "/tmp"}]
        set tmproot [file join $base "kvd-tests-[pid]"]
        file mkdir $tmproot
    }
    set d [file join $tmproot "srv[incr dircount]"]
    file mkdir $d
    return $d
}

proc ::kvd::pid_alive {pid} {
    # a zombie (exited, not yet reaped) counts as dead
    if {[catch {open /proc/$pid/stat r} f]} { return 0 }
    set s [read $f]
    close $f
    if {[regexp {\) (\S)} $s -> state] && $state in {Z X}} { return 0 }
    return 1
}

proc ::kvd::log_tail {path {lines 30}} {
    if {[catch {open $path r} f]} { return "(no log at $path)" }
    set data [read $f]
    close $f
    return [join [lrange [split [string trimright $data \n] \n] end-[expr {$lines - 1}] end] \n]
}

# Starts a server. bin defaults to binary_path. overrides: flat list name value.
# Returns a dict: host port pid dir log bin.
proc ::kvd::start {{overrides {}} {bin ""}} {
    variable start_timeout_ms
    if {$bin eq ""} { set bin [binary_path] }
    if {![file executable $bin]} {
        error "server binary '$bin' not found or not executable (set KVD_BIN)"
    }
    set dir [tmpdir]
    set log [file join $dir server.log]
    set attempts 0
    while {1} {
        set port [free_port]
        set argv [list --port $port --bind 127.0.0.1 --save {} --appendonly no \
                      --enable-debug-command yes --daemonize no --dir $dir]
        foreach {k v} $overrides { lappend argv --$k $v }
        set pid [exec $bin {*}$argv >& $log &]
        set ok 0
        set deadline [expr {[clock milliseconds] + $start_timeout_ms}]
        while {[clock milliseconds] < $deadline} {
            if {![pid_alive $pid]} { break }
            if {![catch {socket 127.0.0.1 $port} fd]} {
                fconfigure $fd -translation binary -blocking 1
                set pong ""
                catch {
                    puts -nonewline $fd "*1\r\n\$4\r\nPING\r\n"
                    flush $fd
                    set pong [gets $fd]
                }
                close $fd
                # -NOAUTH / -LOADING still prove the server is up and answering
                if {[string match {+PONG*} $pong] || [string match {-NOAUTH*} $pong]} {
                    set ok 1
                    break
                }
            }
            after 20
        }
        if {$ok} { break }
        set tail [log_tail $log]
        kill_pid $pid
        # port stolen between free_port and bind: try again with another one
        if {[incr attempts] < 3 && [string match -nocase {*address already in use*} $tail]} {
            continue
        }
        error "server failed to start ($bin on port $port)\n--- log tail ($log) ---\n$tail"
    }
    return [dict create host 127.0.0.1 port $port pid $pid dir $dir log $log bin $bin]
}

# Sends TERM, waits up to 5 s, then KILL.
proc ::kvd::kill_pid {pid} {
    if {![pid_alive $pid]} { catch {exec true}; return }
    catch {exec kill -TERM $pid}
    set deadline [expr {[clock milliseconds] + 5000}]
    while {[pid_alive $pid] && [clock milliseconds] < $deadline} { after 20 }
    if {[pid_alive $pid]} {
        catch {exec kill -KILL $pid}
        set deadline [expr {[clock milliseconds] + 2000}]
        while {[pid_alive $pid] && [clock milliseconds] < $deadline} { after 20 }
    }
    # an exec reaps detached children (Tcl_ReapDetachedProcs)
    catch {exec true}
}

proc ::kvd::stop {srv} {
    kill_pid [dict get $srv pid]
    check_sanitizer_log $srv
}

# With --asan: a server log holding a sanitizer report fails the run (the report is
# written when the sanitizer fires, or at exit for leaks).
proc ::kvd::check_sanitizer_log {srv} {
    if {![info exists ::kvd::asan] || !$::kvd::asan} { return }
    set log [dict get $srv log]
    if {[catch {open $log r} f]} { return }
    set data [read $f]
    close $f
    if {[regexp {(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:)} $data]} {
        incr ::kvd::sanitizer_reports
        ::kvd::record_failure "sanitizer report in $log" [::kvd::log_tail $log 60]
    }
}

proc ::kvd::cleanup_tmp {} {
    variable tmproot
    if {$tmproot ne "" && ![info exists ::env(KVD_KEEP_TMP)]} {
        catch {file delete -force $tmproot}
    }
}

# --- the current-server API used by tests ---------------------------------

proc srv {{field port}} {
    set s [lindex $::kvd::servers end]
    if {$s eq ""} { error "no server running" }
    return [dict get $s $field]
}

proc redis_client {} {
    set c [::resp::connect [srv host] [srv port] 0]
    lappend ::kvd::extra_clients $c
    return $c
}

proc redis_deferring_client {} {
    set c [::resp::connect [srv host] [srv port] 1]
    lappend ::kvd::extra_clients $c
    return $c
}

# Reconnects the default client of the innermost server (after QUIT, a kill,
# a protocol error...).
proc reconnect {} {
    set s [lindex $::kvd::servers end]
    catch {[dict get $s client] close}
    set c [::resp::connect [dict get $s host] [dict get $s port] 0]
    dict set s client $c
    lset ::kvd::servers end $s
    return $c
}

proc r {args} {
    set s [lindex $::kvd::servers end]
    if {$s eq ""} { error "no server running" }
    set c [dict get $s client]
    if {[info commands $c] eq ""} { set c [reconnect] }
    return [$c {*}$args]
}

# True if the innermost server process is still running.
proc server_alive {} {
    return [::kvd::pid_alive [srv pid]]
}

# with_server opts body: opts is a dict with optional keys
#   tags       list of tags for every test in the body
#   overrides  flat list of config name value passed as --name value
proc with_server {opts body} {
    set tags [expr {[dict exists $opts tags] ? [dict get $opts tags] : {}}]
    set overrides [expr {[dict exists $opts overrides] ? [dict get $opts overrides] : {}}]
    # skip the whole server when its tags are excluded
    if {[info procs ::kvd::tags_excluded] ne "" && [::kvd::tags_excluded $tags]} { return }
    if {[catch {::kvd::start $overrides} srv]} {
        if {[info procs ::kvd::record_failure] ne ""} {
            ::kvd::record_failure "start server (tags: $tags)" $srv
            return
        }
        error $srv
    }
    set saved_clients $::kvd::extra_clients
    set ::kvd::extra_clients {}
    dict set srv client [::resp::connect [dict get $srv host] [dict get $srv port] 0]
    dict set srv tags $tags
    dict set srv overrides $overrides
    lappend ::kvd::servers $srv
    lappend ::kvd::tagstack {*}$tags
    set code [catch {uplevel 1 $body} res opt]
    set ::kvd::tagstack [lrange $::kvd::tagstack 0 end-[llength $tags]]
    foreach c $::kvd::extra_clients { catch {$c close} }
    set ::kvd::extra_clients $saved_clients
    # a restart inside the body (persist_restart and the like) replaced the entry: stop the
    # server running now, not the one started above
    set srv [lindex $::kvd::servers end]
    catch {[dict get $srv client] close}
    set ::kvd::servers [lrange $::kvd::servers 0 end-1]
    ::kvd::stop $srv
    if {$code == 1} {
        if {[info procs ::kvd::record_failure] ne ""} {
            ::kvd::record_failure "with_server body (tags: $tags)" \
                "$res\n[dict get $opt -errorinfo]\n--- log tail ---\n[::kvd::log_tail [dict get $srv log]]"
            return
        }
        return -options $opt $res
    }
    return $res
}

set ::kvd::tagstack {}
