# tests/unit/config.tcl: CONFIG GET/SET/RESETSTAT/REWRITE/HELP and startup configuration
# (config files, --name value arguments, fatal errors), checked against Redis 7.0's texts.

# Starts the server under test with a config file holding `lines` (plus a free port, the
# loopback and a fresh dir). Returns a dict like ::kvd::start's, with `conf` added.
proc start_with_conf {lines} {
    set dir [::kvd::tmpdir]
    set conf [file join $dir test.conf]
    set log [file join $dir server.log]
    set port [::kvd::free_port]
    set f [open $conf w]
    puts $f "# a comment that REWRITE must keep"
    puts $f "port $port"
    puts $f "bind 127.0.0.1"
    puts $f "dir \"$dir\""
    puts $f "daemonize no"
    puts $f "save \"\""
    foreach l $lines { puts $f $l }
    close $f
    set pid [exec [::kvd::binary_path] $conf >& $log &]
    set deadline [expr {[clock milliseconds] + 10000}]
    while {[clock milliseconds] < $deadline} {
        if {![::kvd::pid_alive $pid]} { break }
        if {![catch {::resp::connect 127.0.0.1 $port 0} c]} {
            if {![catch {$c ping} pong] && $pong eq "PONG"} {
                return [dict create pid $pid port $port conf $conf dir $dir client $c log $log]
            }
            catch {$c close}
        }
        after 20
    }
    ::kvd::kill_pid $pid
    error "server with config $conf failed to start:\n[::kvd::log_tail $log]"
}

proc stop_conf_server {s} {
    catch {[dict get $s client] close}
    ::kvd::kill_pid [dict get $s pid]
}

proc read_text {path} {
    set f [open $path r]
    set t [read $f]
    close $f
    return $t
}

# Runs the binary with a config file and arguments; it must fail. Returns its output.
proc failing_start {lines args} {
    set dir [::kvd::tmpdir]
    set conf [file join $dir bad.conf]
    set f [open $conf w]
    # port 0 first: a config that wrongly loads must not take a real port
    puts $f "port 0"
    foreach l $lines { puts $f $l }
    close $f
    set code [catch {exec timeout 5 [::kvd::binary_path] $conf {*}$args 2>@1} out]
    assert_equal $code 1 "(the server should refuse to start: $out)"
    return $out
}

with_server {tags {config}} {
    test {CONFIG GET returns name and value for an exact name} {
        assert_equal [r config get maxmemory-policy] {maxmemory-policy noeviction}
        assert_equal [r config get hz] {hz 10}
    }

    test {CONFIG GET of an unknown name is an empty array} {
        assert_equal [r config get no-such-directive] {}
    }

    test {CONFIG GET without a pattern is an arity error} {
        assert_error "ERR wrong number of arguments for 'config|get' command" {r config get}
    }

    test {CONFIG GET glob returns each matching name once, aliases included} {
        set reply [r config get hash-max-*-entries]
        assert_equal [llength $reply] 4
        assert_equal [map_get $reply hash-max-listpack-entries] 512
        assert_equal [map_get $reply hash-max-ziplist-entries] 512
        set reply [r config get hz hz h? HZ]
        assert_equal $reply {hz 10}
    }

    test {CONFIG GET several patterns in one call} {
        set reply [r config get maxmemory maxmemory-samples timeout]
        assert_equal [llength $reply] 6
        assert_equal [map_get $reply maxmemory] 0
        assert_equal [map_get $reply maxmemory-samples] 5
        assert_equal [map_get $reply timeout] 0
    }

    test {CONFIG GET * lists every directive once with Redis defaults} {
        set reply [r config get *]
        set names [dict keys $reply]
        assert_equal [llength $names] [expr {[llength $reply] / 2}]
        assert {[llength $names] >= 150}
        foreach {k v} {tcp-backlog 511 databases 16 maxclients 10000 tcp-keepalive 300
                       loglevel notice proto-max-bulk-len 536870912
                       client-query-buffer-limit 1073741824 slowlog-log-slower-than 10000
                       slowlog-max-len 128 latency-monitor-threshold 0 maxmemory-samples 5
                       dbfilename dump.rdb appendfilename appendonly.aof requirepass {}
                       lazyfree-lazy-user-del no dynamic-hz yes protected-mode yes
                       appendfsync everysec list-max-listpack-size -2
                       oom-score-adj-values {0 200 800} repl-diskless-load disabled} {
            assert_equal [map_get $reply $k] $v "for $k"
        }
        assert_equal [map_get $reply client-output-buffer-limit] \
            {normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60}
        assert_equal [map_get $reply dir] [srv dir]
    }

    test {CONFIG GET in RESP3 is a map} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd config get maxmemory] "%1\r\n\$9\r\nmaxmemory\r\n\$1\r\n0\r\n"
        $c close
    }

    test {CONFIG SET one value and read it back} {
        assert_equal [r config set maxmemory-samples 7] OK
        assert_equal [r config get maxmemory-samples] {maxmemory-samples 7}
        r config set maxmemory-samples 5
    }

    test {CONFIG SET several pairs at once} {
        assert_equal [r config set timeout 100 maxmemory 2mb slowlog-max-len 64] OK
        assert_equal [lindex [r config get timeout] 1] 100
        assert_equal [lindex [r config get maxmemory] 1] 2097152
        assert_equal [lindex [r config get slowlog-max-len] 1] 64
        r config set timeout 0 maxmemory 0 slowlog-max-len 128
    }

    test {CONFIG SET is atomic: a bad value leaves earlier pairs unchanged} {
        assert_error {ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value} \
            {r config set timeout 77 maxmemory 1x}
        assert_equal [lindex [r config get timeout] 1] 0
    }

    test {CONFIG SET with an unknown name fails before anything is applied} {
        assert_error {ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'} \
            {r config set timeout 5 nosuch 1}
        assert_equal [lindex [r config get timeout] 1] 0
    }

    test {CONFIG SET with an odd number of arguments is a syntax error} {
        assert_error {ERR syntax error} {r config set timeout 5 hz}
    }

    test {CONFIG SET the same name twice is refused} {
        assert_error {ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter} \
            {r config set hz 10 HZ 11}
    }

    test {CONFIG SET value errors as Redis words them} {
        assert_error {ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer} \
            {r config set hz abc}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive} \
            {r config set timeout -1}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive} \
            {r config set maxclients 0}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'} \
            {r config set appendonly maybe}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction} \
            {r config set maxmemory-policy foo}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning} \
            {r config set loglevel loud}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive} \
            {r config set proto-max-bulk-len 100}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'slave-read-only') - argument must be 'yes' or 'no'} \
            {r config set slave-read-only maybe}
    }

    test {CONFIG SET on immutable and protected directives} {
        assert_error {ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config} \
            {r config set daemonize yes}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config} \
            {r config set databases 4}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'DIR') - can't set protected config} \
            {r config set DIR /tmp}
    }

    test {CONFIG SET memory units: k is 1000, kb is 1024, case-insensitive} {
        r config set maxmemory 10k
        assert_equal [lindex [r config get maxmemory] 1] 10000
        r config set maxmemory 1KB
        assert_equal [lindex [r config get maxmemory] 1] 1024
        r config set maxmemory 1Gb
        assert_equal [lindex [r config get maxmemory] 1] 1073741824
        assert_error {*argument must be a memory value} {r config set maxmemory 1.5gb}
        assert_error {*argument must be a memory value} {r config set maxmemory -1}
        r config set maxmemory 0
    }

    test {CONFIG SET booleans and enums are case-insensitive and read back in lower case} {
        r config set lazyfree-lazy-user-del YES
        assert_equal [r config get lazyfree-lazy-user-del] {lazyfree-lazy-user-del yes}
        r config set maxmemory-policy ALLKEYS-LRU
        assert_equal [r config get maxmemory-policy] {maxmemory-policy allkeys-lru}
        r config set lazyfree-lazy-user-del no maxmemory-policy noeviction
    }

    test {CONFIG SET through an alias changes the directive} {
        r config set slave-read-only no
        assert_equal [r config get replica-read-only] {replica-read-only no}
        r config set replica-read-only yes
        assert_equal [r config get slave-read-only] {slave-read-only yes}
    }

    test {CONFIG SET hz is clamped to 500} {
        r config set hz 100000
        assert_equal [r config get hz] {hz 500}
        r config set hz 10
    }

    test {CONFIG SET save validates pairs; empty clears} {
        r config set save "100 10 200 20"
        assert_equal [r config get save] {save {100 10 200 20}}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters} \
            {r config set save "100 10 200"}
        assert_error {*Invalid save parameters} {r config set save "abc 1"}
        r config set save ""
        assert_equal [r config get save] {save {}}
    }

    test {CONFIG SET client-output-buffer-limit changes only the classes given} {
        r config set client-output-buffer-limit "replica 1mb 2 3"
        assert_equal [lindex [r config get client-output-buffer-limit] 1] \
            {normal 0 0 0 slave 1048576 2 3 pubsub 33554432 8388608 60}
        assert_error {*Invalid client class specified in buffer limit configuration.} \
            {r config set client-output-buffer-limit "foo 1 2 3"}
        assert_error {*Wrong number of arguments in buffer limit configuration.} \
            {r config set client-output-buffer-limit "normal 1 2"}
        r config set client-output-buffer-limit "slave 256mb 64mb 60"
    }

    test {CONFIG SET notify-keyspace-events is validated and normalised} {
        r config set notify-keyspace-events KEA
        assert_equal [r config get notify-keyspace-events] {notify-keyspace-events AKE}
        assert_error {ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.} \
            {r config set notify-keyspace-events Z}
        r config set notify-keyspace-events ""
        assert_equal [r config get notify-keyspace-events] {notify-keyspace-events {}}
    }

    test {CONFIG SET requirepass then AUTH} {
        r config set requirepass secret
        set c [redis_client]
        assert_error {NOAUTH*} {$c get x}
        assert_equal [$c auth secret] OK
        assert_equal [$c config set requirepass ""] OK
        $c close
        r ping
    }

    test {CONFIG HELP lists the subcommands} {
        set help [r config help]
        assert_match {CONFIG <subcommand>*} [lindex $help 0]
        assert {[lsearch -glob $help "RESETSTAT*"] >= 0}
        assert {[lsearch -glob $help "REWRITE*"] >= 0}
    }

    test {CONFIG REWRITE without a config file is an error} {
        assert_error {ERR The server is running without a config file} {r config rewrite}
    }

    test {CONFIG RESETSTAT zeroes INFO counters and command stats} {
        r set foo bar
        r get foo
        catch {r nosuchcommand}
        assert_match {*cmdstat_get:calls=*} [r info commandstats]
        assert_match {*errorstat_ERR:count=*} [r info errorstats]
        assert_equal [r config resetstat] OK
        set info [r info all]
        assert_no_match {*cmdstat_get:*} $info
        assert_no_match {*errorstat_ERR*} $info
        assert_equal [info_field $info total_error_replies] 0
        assert_equal [info_field $info keyspace_hits] 0
        assert_range [info_field $info total_commands_processed] 0 2
    }
}

with_server {tags {config}} {
    test {--save with several words and --save '' at startup} {
        # the harness starts servers with --save {}: no save points
        assert_equal [r config get save] {save {}}
    }
}

with_server {tags {config} overrides {save {900 1 300 10} maxmemory 3mb hz 7}} {
    test {--name value arguments are applied, multi-word values included} {
        assert_equal [r config get save] {save {900 1 300 10}}
        assert_equal [r config get maxmemory] {maxmemory 3145728}
        assert_equal [r config get hz] {hz 7}
    }
}

with_server {tags {config}} {
    test {A config file with quotes, aliases and repeated save lines loads} {
        set s [start_with_conf {
            "slave-read-only no"
            "maxmemory 1mb"
            "save 900 1"
            "save 300 10"
            "notify-keyspace-events \"Ex\""
            "logfile ''"
            "client-output-buffer-limit pubsub 32mb 8mb 60"
        }]
        set c [dict get $s client]
        set code [catch {
            assert_equal [$c config get replica-read-only] {replica-read-only no}
            assert_equal [$c config get maxmemory] {maxmemory 1048576}
            assert_equal [$c config get save] {save {900 1 300 10}}
            assert_equal [$c config get notify-keyspace-events] {notify-keyspace-events xE}
            assert_equal [info_field [$c info server] config_file] [file normalize [dict get $s conf]]
        } err opts]
        stop_conf_server $s
        if {$code} { return -options $opts $err }
    }

    test {CONFIG REWRITE updates lines in place, keeps comments, appends new ones} {
        set s [start_with_conf {"hz 15" "hz 16" "maxmemory 0"}]
        set c [dict get $s client]
        set code [catch {
            assert_equal [$c config set hz 33 maxmemory 2mb slowlog-max-len 99] OK
            assert_equal [$c config rewrite] OK
            set text [read_text [dict get $s conf]]
            assert_match "# a comment that REWRITE must keep\n*" $text
            assert_match "*\nhz 33\n*" $text
            assert_no_match "*hz 15*" $text
            assert_no_match "*hz 16*" $text
            assert_match "*\nmaxmemory 2mb\n*" $text
            assert_match "*# Generated by CONFIG REWRITE\n*slowlog-max-len 99\n*" $text
            # a second rewrite keeps the values
            assert_equal [$c config rewrite] OK
            assert_match "*\nhz 33\n*maxmemory 2mb\n*slowlog-max-len 99\n*" [read_text [dict get $s conf]]
        } err opts]
        stop_conf_server $s
        if {$code} { return -options $opts $err }
    }

    test {A rewritten config file starts a server with the same settings} {
        set s [start_with_conf {}]
        set c [dict get $s client]
        $c config set maxmemory-policy allkeys-lru notify-keyspace-events Kx
        $c config rewrite
        set conf [dict get $s conf]
        stop_conf_server $s
        # restart from the rewritten file alone
        set pid [exec [::kvd::binary_path] $conf >& [file join [dict get $s dir] again.log] &]
        set ok 0
        for {set i 0} {$i < 500} {incr i} {
            if {![catch {::resp::connect 127.0.0.1 [dict get $s port] 0} c2]} {
                if {![catch {$c2 ping}]} { set ok 1; break }
                catch {$c2 close}
            }
            after 20
        }
        set code [catch {
            assert_equal $ok 1
            assert_equal [$c2 config get maxmemory-policy] {maxmemory-policy allkeys-lru}
            assert_equal [$c2 config get notify-keyspace-events] {notify-keyspace-events xK}
        } err opts]
        catch {$c2 close}
        ::kvd::kill_pid $pid
        if {$code} { return -options $opts $err }
    }

    test {Startup with an unknown directive exits non-zero naming the line} {
        set out [failing_start {"# comment" "foo bar"}]
        assert_match "*\*\*\* FATAL CONFIG FILE ERROR (Redis 7.0.15) \*\*\**" $out
        assert_match "*Reading the configuration file, at line 3\n>>> 'foo bar'\nBad directive or wrong number of arguments*" $out
    }

    test {Startup with a bad value names the line and the reason} {
        set out [failing_start {"hz abc"}]
        assert_match "*at line 2\n>>> 'hz abc'\nargument couldn't be parsed into an integer*" $out
        set out [failing_start {"save 1 2 3"}]
        assert_match "*>>> 'save 1 2 3'\nInvalid save parameters*" $out
        set out [failing_start {"hz \"abc"}]
        assert_match "*Unbalanced quotes in configuration line*" $out
    }

    test {Startup arguments are numbered after the file's lines} {
        set out [failing_start {"hz 5"} --loglevel loud]
        assert_match "*at line 4\n>>> 'loglevel \"loud\"'\nargument(s) must be one of the following: debug, verbose, notice, warning*" $out
        set out [failing_start {} --hz]
        assert_match "*>>> 'hz'\nwrong number of arguments*" $out
    }

    test {Startup with a missing config file fails} {
        set code [catch {exec timeout 5 [::kvd::binary_path] /nonexistent/kvd.conf 2>@1} out]
        assert_equal $code 1
        assert_match "*can't open config file '/nonexistent/kvd.conf'*" $out
    }
}
