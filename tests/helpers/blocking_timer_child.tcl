# tests/helpers/blocking_timer_child.tcl: helper process of blocking.tcl's timer-precision test
# (Tcl's select()-based notifier cannot watch more than ~1,000 sockets in one process).
#   tclsh blocking_timer_child.tcl HOST PORT COUNT FIRST
# Opens COUNT clients; client i (numbered from FIRST) sends BLPOP on a key nobody pushes with
# a timeout of 3 s + i/5 ms (whole ms: the first deadlines fall after every helper has
# connected, so startup load does not blur the figure), then prints "arrived early worst_ms" when all replied or
# after 20 s, and quits every client.
lassign $argv host port count first
set socks {}
for {set i 0} {$i < $count} {incr i} {
    set s [socket $host $port]
    fconfigure $s -translation binary -blocking 0 -buffering none
    lappend socks $s
}
set pending $count
set worst -1e9
set early 0
set arrived 0
proc on_reply {s sent tmo} {
    set d [read $s]
    if {$d eq "" && ![eof $s]} return
    fileevent $s readable {}
    set late [expr {([clock microseconds] - $sent) / 1000.0 - $tmo}]
    # the server's clock is cached in whole ms: up to 1 ms early is its rounding
    if {$late < -1.5} { incr ::early }
    if {$late > $::worst} { set ::worst $late }
    incr ::arrived
    incr ::pending -1
}
set i $first
foreach s $socks {
    # whole milliseconds: Redis truncates a timeout to ms, which would read as early
    set tmo [expr {3000 + $i / 5}]
    set t [format %.3f [expr {$tmo / 1000.0}]]
    fileevent $s readable [list on_reply $s [clock microseconds] $tmo]
    puts -nonewline $s "*3\r\n\$5\r\nBLPOP\r\n\$8\r\nbl:never\r\n\$[string length $t]\r\n$t\r\n"
    incr i
}
after 20000 {set ::pending -1}
while {$pending > 0} { vwait ::pending }
puts "$arrived $early [format %.2f $worst]"
flush stdout
# QUIT lets the server close first, so TIME_WAIT lands on its side and a run does not use up
# this host's ephemeral ports.
foreach s $socks { catch {puts -nonewline $s "*1\r\n\$4\r\nQUIT\r\n"} }
foreach s $socks {
    catch {
        fconfigure $s -blocking 1
        while {![eof $s]} { read $s }
    }
    close $s
}
