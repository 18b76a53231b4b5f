# tests/unit/server.tcl: TIME, LASTSAVE, SHUTDOWN, MONITOR, SLOWLOG, LATENCY and DEBUG.

# Reads monitor lines from client m until one matches GLOB (bounded by the client timeout).
proc monitor_wait_for {m glob} {
    for {set i 0} {$i < 50} {incr i} {
        set line [$m read]
        if {[string match $glob $line]} { return $line }
    }
    error "no monitor line matched '$glob'"
}

with_server {tags {server}} {
    test {TIME returns seconds and microseconds as two bulk strings} {
        set raw [r rawcmd time]
        assert_regexp {^\*2\r\n\$[0-9]+\r\n[0-9]+\r\n\$[0-9]+\r\n[0-9]+\r\n$} $raw
        lassign [r time] s us
        assert_range $us 0 999999
        assert {abs($s - [clock seconds]) <= 2}
    }

    test {TIME with an argument is an arity error} {
        assert_equal [r rawcmd time x] "-ERR wrong number of arguments for 'time' command\r\n"
    }

    test {LASTSAVE replies with an integer} {
        assert_regexp {^:[0-9]+\r\n$} [r rawcmd lastsave]
        assert_equal [r rawcmd lastsave x] "-ERR wrong number of arguments for 'lastsave' command\r\n"
    }

    test {SHUTDOWN with an unknown option or a contradiction is a syntax error} {
        assert_equal [r rawcmd shutdown foo] "-ERR syntax error\r\n"
        assert_equal [r rawcmd shutdown nosave save] "-ERR syntax error\r\n"
        assert_equal [r rawcmd shutdown abort now] "-ERR syntax error\r\n"
        assert_equal [r rawcmd shutdown force abort] "-ERR syntax error\r\n"
        assert_equal [r ping] PONG
    }

    test {SHUTDOWN ABORT without a shutdown in progress is an error} {
        assert_equal [r rawcmd shutdown abort] "-ERR No shutdown in progress.\r\n"
    }

    test_if_command multi {SHUTDOWN inside MULTI is refused} {
        set c [redis_client]
        $c multi
        assert_equal [$c rawcmd shutdown nosave] "-ERR Command not allowed inside a transaction\r\n"
        catch {$c exec}
        $c close
        assert_equal [r ping] PONG
    }

    test {MONITOR replies +OK and shows another client's command with db and address} {
        set m [redis_client]
        assert_equal [$m rawcmd monitor] "+OK\r\n"
        r set mon:k v
        set line [monitor_wait_for $m {*"set" "mon:k" "v"}]
        assert_regexp {^[0-9]+\.[0-9]{6} \[0 127\.0\.0\.1:[0-9]+\] "set" "mon:k" "v"$} $line
        $m close
    }

    test {MONITOR quotes arguments like sdscatrepr} {
        set m [redis_client]
        $m monitor
        r set "mon:q\"x" "a\\b\n\x01\xff"
        set line [monitor_wait_for $m {*"set" "mon:q*}]
        assert_equal [string range $line [string first {"set"} $line] end] \
            {"set" "mon:q\"x" "a\\b\n\x01\xff"}
        $m close
    }

    test {MONITOR shows the database the command ran in} {
        set m [redis_client]
        $m monitor
        set c [redis_client]
        $c select 3
        $c get mon:db3
        set line [monitor_wait_for $m {*"get" "mon:db3"}]
        assert_match {*\[3 127.0.0.1:*\] "get" "mon:db3"} $line
        $c close
        $m close
    }

    test {MONITOR hides AUTH arguments} {
        set m [redis_client]
        $m monitor
        set c [redis_client]
        catch {$c auth secretpw}
        set line [monitor_wait_for $m {*"auth"*}]
        assert_match {*"auth" "(redacted)"} $line
        $c close
        $m close
    }

    test_if_command multi {MONITOR inside MULTI fails at EXEC} {
        set c [redis_client]
        $c multi
        $c monitor
        set res [$c rawcmd exec]
        assert_equal $res "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n"
        $c close
    }

    test {SLOWLOG with slowlog-log-slower-than 0 records every command, newest first} {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        r set slow:k hello
        set entries [r slowlog get 2]
        set e [lindex $entries 0]
        assert_equal [llength $e] 6
        lassign $e id ts dur args peer name
        assert {[string is integer -strict $id]}
        assert {abs($ts - [clock seconds]) <= 2}
        assert {$dur >= 0}
        # the newest entry is the SLOWLOG RESET or the SET, depending on ordering of logging
        assert_equal [lindex [lindex $entries 0] 3] {set slow:k hello}
        assert_match {127.0.0.1:*} $peer
        assert_equal $name {}
    }

    test {SLOWLOG entries carry the client name} {
        set c [redis_client]
        $c client setname slowpoke
        $c get slow:named
        set e [lindex [r slowlog get 2] 0]
        assert_equal [lindex $e 3] {get slow:named}
        assert_equal [lindex $e 5] slowpoke
        $c close
    }

    test {SLOWLOG ids increase} {
        r slowlog reset
        r ping
        r ping
        set entries [r slowlog get 3]
        assert {[lindex [lindex $entries 0] 0] > [lindex [lindex $entries 1] 0]}
    }

    test {SLOWLOG truncates long arguments and many arguments} {
        r slowlog reset
        set long [string repeat x 200]
        r set slow:long $long
        set e [lindex [r slowlog get 1] 0]
        assert_equal [lindex [lindex $e 3] 2] "[string repeat x 128]... (72 more bytes)"
        set argv {}
        for {set i 0} {$i < 40} {incr i} { lappend argv slow:m$i }
        r del {*}$argv
        set e [lindex [r slowlog get 1] 0]
        set args [lindex $e 3]
        assert_equal [llength $args] 32
        assert_equal [lindex $args 0] del
        assert_equal [lindex $args 30] slow:m29
        assert_equal [lindex $args 31] "... (10 more arguments)"
    }

    test {SLOWLOG GET count: default 10, -1 for all, below -1 or non-integer is an error} {
        r slowlog reset
        for {set i 0} {$i < 15} {incr i} { r ping }
        assert_equal [llength [r slowlog get]] 10
        assert_equal [llength [r slowlog get 3]] 3
        assert {[llength [r slowlog get -1]] >= 15}
        assert_equal [r rawcmd slowlog get -2] "-ERR count should be greater than or equal to -1\r\n"
        assert_equal [r rawcmd slowlog get abc] "-ERR count should be greater than or equal to -1\r\n"
        assert_equal [r rawcmd slowlog get 1 2] \
            "-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n"
    }

    test {SLOWLOG keeps at most slowlog-max-len entries} {
        r config set slowlog-max-len 3
        for {set i 0} {$i < 10} {incr i} { r ping }
        assert_equal [r slowlog len] 3
        assert_equal [llength [r slowlog get -1]] 3
        r config set slowlog-max-len 128
    }

    test {SLOWLOG RESET empties the log; a negative threshold disables it} {
        r config set slowlog-log-slower-than -1
        r slowlog reset
        r ping
        assert_equal [r slowlog len] 0
        assert_equal [r slowlog get] {}
        r config set slowlog-log-slower-than 0
    }

    test {SLOWLOG LEN and RESET take no arguments; unknown subcommands are errors} {
        assert_equal [r rawcmd slowlog len x] "-ERR wrong number of arguments for 'slowlog|len' command\r\n"
        assert_equal [r rawcmd slowlog reset x] "-ERR wrong number of arguments for 'slowlog|reset' command\r\n"
        assert_equal [r rawcmd slowlog foo] "-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n"
    }

    test {SLOWLOG HELP is an array of status lines} {
        set raw [r rawcmd slowlog help]
        assert {[string first "\r\n+SLOWLOG <subcommand> \[<arg> \[value\] \[opt\] ...\]. Subcommands are:\r\n" $raw] > 0}
        assert_match "*+HELP\r\n*" $raw
    }

    test {SLOWLOG GET in RESP3 uses plain arrays} {
        set c [redis_client]
        $c hello 3
        r slowlog reset
        $c set slow:r3 v
        assert_match "*1\r\n*6\r\n:*\r\n:*\r\n:*\r\n*3\r\n\$3\r\nset\r\n*" [$c rawcmd slowlog get 1]
        $c close
    }

    test {LATENCY LATEST, HISTORY and RESET with no samples} {
        r latency reset
        assert_equal [r rawcmd latency latest] "*0\r\n"
        assert_equal [r rawcmd latency history command] "*0\r\n"
        assert_equal [r latency reset] 0
        assert_equal [r latency reset nosuch other] 0
    }

    test {LATENCY records a slow command above latency-monitor-threshold} {
        r config set latency-monitor-threshold 1
        r debug sleep 0.05
        set latest [r latency latest]
        assert_equal [llength $latest] 1
        lassign [lindex $latest 0] name ts last max
        assert_equal $name command
        assert {abs($ts - [clock seconds]) <= 2}
        assert {$last >= 40 && $max >= $last}
        set hist [r latency history command]
        assert_equal [llength $hist] 1
        assert {[lindex [lindex $hist 0] 1] >= 40}
        assert_equal [r latency reset command nosuch] 1
        assert_equal [r latency latest] {}
        r config set latency-monitor-threshold 0
    }

    test {LATENCY argument errors} {
        assert_equal [r rawcmd latency history] "-ERR wrong number of arguments for 'latency|history' command\r\n"
        assert_equal [r rawcmd latency latest x] "-ERR wrong number of arguments for 'latency|latest' command\r\n"
        assert_equal [r rawcmd latency foo] "-ERR unknown subcommand 'foo'. Try LATENCY HELP.\r\n"
        assert_match "*\r\n+LATENCY <subcommand> *" [r rawcmd latency help]
    }

    test {DEBUG with an unknown subcommand or wrong arity names the subcommand} {
        assert_equal [r rawcmd debug foo] \
            "-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.\r\n"
        assert_equal [r rawcmd debug sleep] \
            "-ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP.\r\n"
        assert_equal [r rawcmd debug protocol] \
            "-ERR unknown subcommand or wrong number of arguments for 'protocol'. Try DEBUG HELP.\r\n"
        assert_equal [r rawcmd debug] "-ERR wrong number of arguments for 'debug' command\r\n"
    }

    test {DEBUG HELP is an array of status lines} {
        assert_match "*\r\n+DEBUG <subcommand> *" [r rawcmd debug help]
    }

    test {DEBUG SLEEP accepts fractions and, like strtod, junk as zero} {
        set t0 [clock milliseconds]
        assert_equal [r debug sleep 0.1] OK
        assert {[clock milliseconds] - $t0 >= 90}
        assert_equal [r debug sleep abc] OK
        assert_equal [r debug sleep 0] OK
    }

    test {DEBUG OBJECT describes a value in one status line} {
        r set dbg:s hello
        set raw [r rawcmd debug object dbg:s]
        assert_regexp {^\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:[0-9]+ lru_seconds_idle:[0-9]+\r\n$} $raw
        r set dbg:i 123
        assert_match {*encoding:int serializedlength:2 *} [r debug object dbg:i]
        assert_equal [r rawcmd debug object dbg:nokey] "-ERR no such key\r\n"
    }

    test {DEBUG SET-ACTIVE-EXPIRE accepts 0 and 1} {
        assert_equal [r debug set-active-expire 0] OK
        assert_equal [r debug set-active-expire 1] OK
    }

    test {DEBUG CHANGE-REPL-ID replies OK} {
        assert_equal [r debug change-repl-id] OK
    }

    test {DEBUG DIGEST is 40 zeros for an empty dataset and changes with keys, values and TTLs} {
        r flushall
        assert_equal [r debug digest] [string repeat 0 40]
        r set dg:a 1
        set d1 [r debug digest]
        assert_equal [string length $d1] 40
        assert_not_equal $d1 [string repeat 0 40]
        assert_equal [r debug digest] $d1
        r set dg:a 2
        set d2 [r debug digest]
        assert_not_equal $d2 $d1
        r expire dg:a 1000
        set d3 [r debug digest]
        assert_not_equal $d3 $d2
        r persist dg:a
        assert_equal [r debug digest] $d2
        r set dg:b x
        assert_not_equal [r debug digest] $d2
        r del dg:b
        assert_equal [r debug digest] $d2
    }

    test {DEBUG DIGEST-VALUE hashes each value, zeros for missing keys} {
        r flushall
        r set dv:a hello
        r set dv:b hello
        set d [r debug digest-value dv:a dv:b dv:none]
        assert_equal [llength $d] 3
        assert_equal [lindex $d 0] [lindex $d 1]
        assert_equal [lindex $d 2] [string repeat 0 40]
        assert_not_equal [lindex $d 0] [string repeat 0 40]
        assert_equal [r debug digest-value] {}
    }

    # The hex values are what redis-server 7.0.15 answers for the same data, so a dataset
    # digest taken on one server can be checked on the other.
    test {DEBUG DIGEST-VALUE and DIGEST equal Redis 7.0's for every type and encoding} {
        r flushall
        r set s hello
        r set n 123
        r rpush l a b 7 -3
        r sadd st x y
        r sadd si 1 2 300
        r hset h f v n 5
        r zadd zi 1 a 2 b
        r zadd zf 1.5 a 0.1 b -2.25 c 1e20 d 3.0000000000000004 e
        r zadd zinf inf a -inf b 0 7
        set big {}
        for {set i 0} {$i < 200} {incr i} { lappend big [expr {$i * 0.1}] m$i }
        r zadd zbig {*}$big
        r zadd zlong 1 [string repeat x 100] 2 y
        r xadd x 1-1 f v a 1
        r xadd x 1-2 f w a 2
        r xadd x 5-0 other z
        r set e x ex 100
        r select 3
        r set db3 v
        r select 0
        assert_equal [r object encoding zf] listpack
        assert_equal [r object encoding zbig] skiplist
        assert_equal [r object encoding zlong] skiplist
        foreach {k hex} {
            s     36b23a1456b2dce2c3ed252c456761301dba8060
            n     89f7f51b707418f666d5b45e053bd5bbbf82ac2b
            l     60ae40e063087e04e5e62d9dcf8e41190d283bbc
            st    36846f8a92fb6b6b824c73bf468c5bbcf5075ede
            si    bff1310353f341fe4488c7323df3673679c04f02
            h     cb57dbe608c2b2a06dad28cc683f351c38cd44cf
            zi    4de4c922f0624dd27cb8fc6bbf04d3d6df72c877
            zf    7f2831f3fa046d6291fbe8d2444515894bde3cba
            zinf  a9c8703e67159ae8b7d9087284813c40b9bc675b
            zbig  0a5aa3ba52e217c43054541ad6e6da5d8e57b45e
            zlong 324d8834193f571aab7a29efcf8b9e6eca5b3bb9
            x     3df4c8352d243642af0a75d53e3f884e2c8bceb3
            e     0745672cb1bf060476eedeb8a28f5ffe1ff5a2be
        } {
            assert_equal [r debug digest-value $k] $hex "digest of $k"
        }
        set all [r debug digest]
        assert_equal $all 5512367d1143f98a6cb903355ca99b98149bc52b
        # the same zsets loaded in the skiplist encoding digest the same
        r config set zset-max-listpack-entries 0
        r debug reload
        r config set zset-max-listpack-entries 128
        assert_equal [r object encoding zf] skiplist
        assert_equal [r debug digest-value zi zf zinf] [list \
            4de4c922f0624dd27cb8fc6bbf04d3d6df72c877 7f2831f3fa046d6291fbe8d2444515894bde3cba \
            a9c8703e67159ae8b7d9087284813c40b9bc675b]
        assert_equal [r debug digest] $all
    }
}

with_server {tags {server debug-gate} overrides {enable-debug-command no}} {
    test {DEBUG is refused when enable-debug-command is no} {
        assert_equal [r rawcmd debug help] "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n"
    }
}

with_server {tags {server debug-gate} overrides {enable-debug-command local}} {
    test {DEBUG is allowed from a loopback connection when enable-debug-command is local} {
        assert_equal [r debug sleep 0] OK
    }
}

with_server {tags {server shutdown}} {
    test {SHUTDOWN NOSAVE stops the server and closes the connection} {
        server_may_exit
        set c [redis_deferring_client]
        $c raw "*2\r\n\$8\r\nshutdown\r\n\$6\r\nnosave\r\n"
        assert_equal [$c wait_closed 5000] 1
        wait_for_condition 100 50 {![server_alive]}
    }
}
