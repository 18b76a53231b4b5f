# tests/unit/blocking.tcl: BLPOP, BRPOP, BRPOPLPUSH, BLMOVE and BLMPOP: immediate replies,
# blocking and serving (FIFO, several keys, chains), timeouts (fractions, 0, errors, timer
# precision with 10,000 clients), wrong types at wake-up, disconnects, CLIENT UNBLOCK, INFO
# and CLIENT LIST, RESP3, the keyspace commands that do or do not wake clients, and the
# order in which a waiter's reply and the pusher's leave.
# Every expectation was checked against redis-server 7.0.15 with the same suite.

proc blocked_clients {} {
    return [info_field [r info clients] blocked_clients]
}

# Waits (bounded) until n clients are blocked.
proc wait_blocked {n} {
    wait_for_condition 200 5 {[blocked_clients] == $n} "expected $n blocked clients"
}

# A deferring client that has sent cmd and is now blocked (blocked count goes to n).
proc blocked_client {n args} {
    set rd [redis_deferring_client]
    $rd {*}$args
    wait_blocked $n
    return $rd
}

proc raw_reply {rd} {
    return [$rd read_raw_reply]
}

with_server {tags {blocking}} {
    # ---- immediate replies -------------------------------------------------------------------

    test {BLPOP and BRPOP on a non-empty list reply at once with key and element} {
        r flushall
        r rpush l a b c
        assert_equal [r blpop l 0] {l a}
        assert_equal [r brpop l 0] {l c}
        assert_equal [r rawcmd blpop l 1] "*2\r\n\$1\r\nl\r\n\$1\r\nb\r\n"
        assert_equal [r exists l] 0
    }

    test {BLPOP serves the first non-empty key in argument order} {
        r flushall
        r rpush b b1
        r rpush c c1
        assert_equal [r blpop a b c 0] {b b1}
        assert_equal [r brpop a c b 0] {c c1}
    }

    test {BLPOP on a key of another type is WRONGTYPE at once, even after a missing key} {
        r flushall
        r set s x
        assert_error "WRONGTYPE*" {r blpop s 0}
        assert_error "WRONGTYPE*" {r blpop missing s 0}
        r rpush l v
        # an earlier non-empty list is served before the wrong type is met
        assert_equal [r blpop l s 0] {l v}
    }

    test {BLMOVE and BRPOPLPUSH move at once when the source has elements} {
        r flushall
        r rpush src a b c
        assert_equal [r brpoplpush src dst 0] c
        assert_equal [r blmove src dst left right 0] a
        assert_equal [r lrange dst 0 -1] {c a}
        assert_equal [r lrange src 0 -1] {b}
    }

    test {BLMOVE with a destination of another type: WRONGTYPE when the source has elements} {
        r flushall
        r set s x
        r rpush src a
        assert_error "WRONGTYPE*" {r brpoplpush src s 0}
        assert_error "WRONGTYPE*" {r blmove src s right left 0}
        assert_equal [r lrange src 0 -1] {a}
        assert_error "WRONGTYPE*" {r blmove s src right left 0}
    }

    test {BLMPOP pops COUNT elements from the first non-empty key at once} {
        r flushall
        r rpush b 1 2 3 4
        assert_equal [r blmpop 0 3 a b c left count 3] {b {1 2 3}}
        assert_equal [r blmpop 0 1 b right] {b 4}
        assert_equal [r rawcmd blmpop 0.01 1 b left] "*-1\r\n"
    }

    test {Argument errors of the blocking commands, in Redis's order} {
        assert_error "ERR wrong number of arguments for 'blpop' command" {r blpop k}
        assert_error "ERR timeout is not a float or out of range" {r blpop k abc}
        assert_error "ERR timeout is not a float or out of range" {r blpop k nan}
        assert_error "ERR timeout is not a float or out of range" {r blpop k " 1"}
        assert_error "ERR timeout is not a float or out of range" {r blpop k ""}
        assert_error "ERR timeout is negative" {r blpop k -1}
        assert_error "ERR timeout is negative" {r brpop k -0.5}
        # Redis casts seconds*1000 to a long long: overflow reads as negative
        assert_error "ERR timeout is negative" {r blpop k inf}
        assert_error "ERR timeout is negative" {r blpop k 1e400}
        assert_error "ERR timeout is negative" {r blpop k 9999999999999999}
        assert_error "ERR syntax error" {r blmove a b up left 0}
        assert_error "ERR timeout is not a float or out of range" {r blmove a b left right x}
        assert_error "ERR timeout is not a float or out of range" {r brpoplpush a b x}
        assert_error "ERR timeout is not a float or out of range" {r blmpop x 1 a left}
        assert_error "ERR numkeys should be greater than 0" {r blmpop 1 0 a left}
        assert_error "ERR syntax error" {r blmpop 0 2 a left}
        assert_error "ERR syntax error" {r blmpop 0.1 1 a middle}
        assert_error "ERR count should be greater than 0" {r blmpop 0.1 1 a left count 0}
        assert_error "ERR syntax error" {r blmpop 0.1 1 a left count 1 count 1}
    }

    # ---- blocking and serving ------------------------------------------------------------------

    test {BLPOP blocks and is served by a later LPUSH from another client} {
        r flushall
        set rd [blocked_client 1 blpop q 0]
        assert_equal [r lpush q hello] 1
        assert_equal [$rd read] {q hello}
        assert_equal [r exists q] 0
        assert_equal [blocked_clients] 0
        $rd close
    }

    test {BRPOP waits on several keys and is served by the first that gets a value} {
        r flushall
        set rd [blocked_client 1 brpop a b c 0]
        r rpush c x y
        assert_equal [$rd read] {c y}
        assert_equal [r lrange c 0 -1] {x}
        $rd close
    }

    test {BLPOP k k waits once on a repeated key} {
        r flushall
        set rd [blocked_client 1 blpop k k 0]
        r rpush k a b
        assert_equal [$rd read] {k a}
        assert_equal [r lrange k 0 -1] {b}
        $rd close
    }

    test {Clients blocked on one key are served first-blocked-first-served} {
        r flushall
        set c1 [blocked_client 1 blpop k 0]
        set c2 [blocked_client 2 blpop k 0]
        set c3 [blocked_client 3 blpop k 0]
        r rpush k x
        assert_equal [$c1 read] {k x}
        wait_blocked 2
        r rpush k y z
        assert_equal [$c2 read] {k y}
        assert_equal [$c3 read] {k z}
        assert_equal [r exists k] 0
        foreach c [list $c1 $c2 $c3] { $c close }
    }

    test {LPUSH of three elements with two clients blocked: served after the whole push} {
        r flushall
        set c1 [blocked_client 1 blpop k 0]
        set c2 [blocked_client 2 blpop k 0]
        assert_equal [r lpush k a b c] 3
        # the list was c b a when the clients were served
        assert_equal [$c1 read] {k c}
        assert_equal [$c2 read] {k b}
        assert_equal [r lrange k 0 -1] {a}
        set c3 [blocked_client 1 brpop k2 0]
        set c4 [blocked_client 2 brpop k2 0]
        assert_equal [r rpush k2 a b c] 3
        assert_equal [$c3 read] {k2 c}
        assert_equal [$c4 read] {k2 b}
        assert_equal [r lrange k2 0 -1] {a}
        foreach c [list $c1 $c2 $c3 $c4] { $c close }
    }

    test {BLMPOP blocks and is served with up to COUNT elements} {
        r flushall
        set rd [blocked_client 1 blmpop 0 2 a b right count 2]
        r rpush b 1 2 3
        assert_equal [$rd read] {b {3 2}}
        assert_equal [r lrange b 0 -1] {1}
        set rd2 [blocked_client 1 blmpop 0 1 c left count 10]
        r rpush c 1 2
        assert_equal [$rd2 read] {c {1 2}}
        assert_equal [r exists c] 0
        $rd close
        $rd2 close
    }

    test {BRPOPLPUSH and BLMOVE block and move when the source gets an element} {
        r flushall
        set rd [blocked_client 1 brpoplpush src dst 0]
        r rpush src a b
        assert_equal [$rd read] b
        assert_equal [r lrange dst 0 -1] {b}
        assert_equal [r lrange src 0 -1] {a}
        r del src dst
        set rd2 [blocked_client 1 blmove src dst left right 0]
        r rpush src x y
        assert_equal [$rd2 read] x
        assert_equal [r lrange dst 0 -1] {x}
        $rd close
        $rd2 close
    }

    test {BLMOVE chain: a move into a key another client waits on serves it in the same pass} {
        r flushall
        set a [blocked_client 1 blmove k1 k2 right left 0]
        set b [blocked_client 2 blpop k2 0]
        set c [blocked_client 3 brpoplpush k2 k3 0]
        r rpush k1 x
        assert_equal [$a read] x
        assert_equal [$b read] {k2 x}
        assert_equal [r exists k1 k2 k3] 0
        wait_blocked 1
        # now c waits alone on k2; a non-blocking-path BLMOVE also readies k2
        r rpush k1 y
        set a2 [redis_deferring_client]
        $a2 blmove k1 k2 right left 0
        assert_equal [$a2 read] y
        assert_equal [$c read] y
        assert_equal [r lrange k3 0 -1] {y}
        foreach cl [list $a $b $c $a2] { $cl close }
    }

    test {BLMOVE from a list into itself while blocked} {
        r flushall
        set rd [blocked_client 1 blmove k k left right 0]
        r rpush k a b
        assert_equal [$rd read] a
        assert_equal [r lrange k 0 -1] {b a}
        $rd close
    }

    test {Wake-up with a destination of another type: the waiter gets WRONGTYPE, the element stays} {
        r flushall
        r set dst str
        set rd [blocked_client 1 blmove src dst right left 0]
        set rd2 [blocked_client 2 blpop src 0]
        r rpush src e
        assert_error "WRONGTYPE*" {$rd read}
        # the next waiter still gets the element
        assert_equal [$rd2 read] {src e}
        assert_equal [blocked_clients] 0
        $rd close
        $rd2 close
    }

    test {A blocked client's pipeline continues after it is served, replies in order} {
        r flushall
        set rd [redis_deferring_client]
        $rd raw "*3\r\n\$5\r\nBLPOP\r\n\$1\r\nk\r\n\$1\r\n0\r\n*1\r\n\$4\r\nPING\r\n*2\r\n\$4\r\nLLEN\r\n\$1\r\nk\r\n"
        wait_blocked 1
        # the pipeline's later commands wait behind the blocked one
        after 50
        assert_equal [r llen k] 0
        r rpush k a b
        assert_equal [$rd read] {k a}
        assert_equal [$rd read] PONG
        assert_equal [$rd read] 1
        $rd close
    }

    test {A pipelined second BLPOP blocks again after the first is served} {
        r flushall
        set rd [redis_deferring_client]
        $rd raw "*3\r\n\$5\r\nBLPOP\r\n\$1\r\nk\r\n\$1\r\n0\r\n*3\r\n\$5\r\nBLPOP\r\n\$1\r\nk\r\n\$1\r\n0\r\n"
        wait_blocked 1
        r rpush k a
        assert_equal [$rd read] {k a}
        wait_blocked 1
        r rpush k b
        assert_equal [$rd read] {k b}
        $rd close
    }

    # ---- timeouts ----------------------------------------------------------------------------

    test {A fractional timeout expires with the null array after about that long} {
        r flushall
        set rd [redis_deferring_client]
        set t0 [clock milliseconds]
        $rd blpop k 0.2
        assert_equal [raw_reply $rd] "*-1\r\n"
        set dt [expr {[clock milliseconds] - $t0}]
        assert_range $dt 190 600
        assert_equal [blocked_clients] 0
        $rd close
    }

    test {BRPOPLPUSH, BLMOVE and BLMPOP time out with the null array too (not a null bulk)} {
        assert_equal [r rawcmd brpoplpush a b 0.01] "*-1\r\n"
        assert_equal [r rawcmd blmove a b left right 0.01] "*-1\r\n"
        assert_equal [r rawcmd blmpop 0.01 2 a b left] "*-1\r\n"
        assert_equal [r rawcmd brpop a 0.01] "*-1\r\n"
    }

    test {Timeout 0 blocks forever, and a tiny negative timeout truncates to 0} {
        r flushall
        set rd [blocked_client 1 blpop k 0]
        set rd2 [blocked_client 2 blpop k -0.0001]
        after 300
        assert_equal [blocked_clients] 2
        r rpush k a b
        assert_equal [$rd read] {k a}
        assert_equal [$rd2 read] {k b}
        $rd close
        $rd2 close
    }

    test {A timeout whose deadline overflows blocks without expiring} {
        r flushall
        set rd [blocked_client 1 blpop k 9223372036854000]
        after 100
        assert_equal [blocked_clients] 1
        r rpush k a
        assert_equal [$rd read] {k a}
        $rd close
    }

    test {RESP3: served reply is an array, timeout is the RESP3 null} {
        r flushall
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd blpop k 0.01
        assert_equal [raw_reply $rd] "_\r\n"
        $rd brpoplpush k d 0.01
        assert_equal [raw_reply $rd] "_\r\n"
        $rd blmpop 0.01 1 k left
        assert_equal [raw_reply $rd] "_\r\n"
        $rd blmpop 0 1 k left count 2
        wait_blocked 1
        r rpush k x
        assert_equal [raw_reply $rd] "*2\r\n\$1\r\nk\r\n*1\r\n\$1\r\nx\r\n"
        $rd close
    }

    # ---- CLIENT UNBLOCK, INFO, CLIENT LIST ---------------------------------------------------------

    test {CLIENT UNBLOCK with TIMEOUT (default) replies the null array to the blocked client} {
        r flushall
        set rd [redis_deferring_client]
        $rd client id
        set id [$rd read]
        $rd blpop k 0
        wait_blocked 1
        assert_equal [r client unblock $id] 1
        assert_equal [raw_reply $rd] "*-1\r\n"
        assert_equal [r client unblock $id] 0
        $rd brpoplpush k d 0
        wait_blocked 1
        assert_equal [r client unblock $id timeout] 1
        assert_equal [raw_reply $rd] "*-1\r\n"
        # the client is usable afterwards
        $rd ping
        assert_equal [$rd read] PONG
        $rd close
    }

    test {CLIENT UNBLOCK ERROR replies the UNBLOCKED error} {
        set rd [redis_deferring_client]
        $rd client id
        set id [$rd read]
        $rd blmove k d left left 0
        wait_blocked 1
        assert_equal [r client unblock $id error] 1
        assert_equal [raw_reply $rd] "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
        $rd close
    }

    test {CLIENT UNBLOCK errors and unknown or unblocked clients} {
        assert_equal [r client unblock 999999] 0
        assert_equal [r client unblock [r client id]] 0
        assert_error "ERR value is not an integer or out of range" {r client unblock abc}
        assert_error "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR" {r client unblock 1 foo}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP." {r client unblock 1 timeout x}
    }

    test {INFO blocked_clients and clients_in_timeout_table, CLIENT LIST flags=b cmd=blpop} {
        r flushall
        set rd [redis_deferring_client]
        $rd client id
        set id [$rd read]
        $rd blpop k 0
        wait_blocked 1
        set rd2 [blocked_client 2 brpop k 100]
        set info [r info clients]
        assert_equal [info_field $info blocked_clients] 2
        assert_equal [info_field $info clients_in_timeout_table] 1
        set lines [split [string trim [r client list]] "\n"]
        set blocked 0
        foreach l $lines {
            if {[string match "* flags=b *" $l]} {
                incr blocked
                assert_match "* cmd=b*pop *" $l
            }
        }
        assert_equal $blocked 2
        r rpush k a b
        $rd read
        $rd2 read
        set info [r info clients]
        assert_equal [info_field $info blocked_clients] 0
        assert_equal [info_field $info clients_in_timeout_table] 0
        assert_match "* flags=N *cmd=blpop *" [lindex [split [r client list id $id] "\n"] 0]
        $rd close
        $rd2 close
    }

    test {A served blocking command is counted once in commandstats} {
        r flushall
        r config resetstat
        set rd [blocked_client 1 blpop k 0]
        r rpush k a
        $rd read
        $rd blpop k 0.01
        $rd read
        set stats [r info commandstats]
        assert_match "*cmdstat_blpop:calls=2,*failed_calls=0*" $stats
        $rd close
    }

    # ---- connections going away ---------------------------------------------------------------

    test {A blocked client that disconnects is removed and takes no element} {
        r flushall
        set rd [blocked_client 1 blpop k 0]
        set rd2 [blocked_client 2 blpop k 0]
        $rd close
        wait_blocked 1
        r rpush k a b
        assert_equal [$rd2 read] {k a}
        assert_equal [r lrange k 0 -1] {b}
        $rd2 close
    }

    test {CLIENT KILL of a blocked client unblocks it for good} {
        r flushall
        set rd [redis_deferring_client]
        $rd client id
        set id [$rd read]
        $rd blpop k 0
        wait_blocked 1
        assert_equal [r client kill id $id] 1
        wait_blocked 0
        r rpush k a
        assert_equal [r lrange k 0 -1] {a}
        $rd close
    }

    # ---- keyspace commands --------------------------------------------------------------------

    test {FLUSHALL, FLUSHDB and DEL leave blocked clients blocked} {
        r flushall
        set rd [blocked_client 1 blpop k 0]
        r rpush other x
        r flushall
        r flushdb
        r del k
        after 50
        assert_equal [blocked_clients] 1
        r rpush k v
        assert_equal [$rd read] {k v}
        $rd close
    }

    test {RENAME and COPY of a list onto a watched key serve the waiter} {
        r flushall
        set rd [blocked_client 1 blpop k 0]
        r rpush tmp a b
        r rename tmp k
        assert_equal [$rd read] {k a}
        assert_equal [r lrange k 0 -1] {b}
        r del k
        set rd2 [blocked_client 1 brpop k2 0]
        r rpush src x y
        r copy src k2
        assert_equal [$rd2 read] {k2 y}
        assert_equal [r lrange src 0 -1] {x y}
        $rd close
        $rd2 close
    }

    test {RESTORE and SORT STORE of a list onto a watched key serve the waiter} {
        r flushall
        r rpush src a b
        set payload [r dump src]
        set rd [blocked_client 1 blpop k 0]
        r restore k 0 $payload
        assert_equal [$rd read] {k a}
        assert_equal [r lrange k 0 -1] {b}
        set rd2 [blocked_client 1 brpop k2 0]
        r rpush nums 3 1 2
        assert_equal [r sort nums store k2] 3
        assert_equal [$rd2 read] {k2 3}
        assert_equal [r lrange k2 0 -1] {1 2}
        $rd close
        $rd2 close
    }

    test {MOVE and SWAPDB of a list into the waiter's db serve it} {
        r flushall
        set rd [redis_deferring_client]
        $rd select 9
        $rd read
        $rd blpop k 0
        wait_blocked 1
        r rpush k a
        r move k 9
        assert_equal [$rd read] {k a}
        $rd blpop k2 0
        wait_blocked 1
        r select 3
        r rpush k2 z
        r select 0
        r swapdb 3 9
        assert_equal [$rd read] {k2 z}
        r flushall
        $rd close
    }

    test {A key of another type at wake-up does not serve the waiter} {
        r flushall
        set rd [blocked_client 1 blpop k 0]
        r set tmp str
        r rename tmp k
        after 50
        assert_equal [blocked_clients] 1
        r del k
        r rpush k v
        assert_equal [$rd read] {k v}
        $rd close
    }
}

# The load of the two tests below comes from tests/helpers/blockload.c (one epoll process;
# Tcl's notifier cannot watch 10,000 sockets, and many Tcl helpers starve a 2-CPU host).
# `make test-tcl` and `make test-asan` build it; a missing binary fails the tests.
proc blockload {args} {
    set bin [expr {[info exists ::env(BLOCKLOAD)] ? $::env(BLOCKLOAD)
                   : [file join $::kvd::repo build helpers blockload]}]
    if {![file executable $bin]} {
        ::kvd::fail "load generator $bin is missing: run `make build/helpers/blockload`"
    }
    # blockload bounds every wait itself and exits non-zero with a message on any failure,
    # which exec turns into this test's error.
    return [exec $bin {*}$args]
}

# 10,000 clients on distinct timeouts: each wake-up lands close to its own deadline (a timer
# per client, no periodic scan).
with_server {tags {blocking slow} overrides {maxclients 12000}} {
    # kvd measures on the server side how late each timeout fired (DEBUG BLOCKING-LATENESS,
    # kvd only), out of reach of the client's own scheduling.
    proc server_lateness_ms {reset} {
        if {[string match *redis-server* [srv bin]]} { return -1 }
        set us [expr {$reset ? [r debug blocking-lateness reset] : [r debug blocking-lateness]}]
        return [expr {$us / 1000.0}]
    }

    test {10,000 blocked clients on distinct timeouts time out within 10 ms plus a loop tick} {
        # Redis 7.0 checks timeouts from its cron (up to 1/hz = 100 ms late); kvd gives each
        # client its own timer. Server side, seen 2.3-9.5 ms at load average 1-2.5 from other
        # engineers' work, 5-15 ms at load 4-5 (21 ms once), 18 ms once with a -j2 sanitizer
        # build on both CPUs. 20 ms is the 10 ms target plus one loop pass on a contended
        # 2-CPU host; a second run is allowed, as a preemption by another process can exceed
        # it once without saying anything about the timer design.
        # The client figure adds both processes' scheduling and the server's intake
        # (blockload sends 250 BLPOPs at a time and waits until they are blocked): seen
        # 3-30 ms worst, 0.4-25 ms p99, so only loosely bounded.
        for {set attempt 1} {$attempt <= 2} {incr attempt} {
            server_lateness_ms 1
            # Timeouts 1.5 s to 3.5 s in 200 us steps, so about five fall due per millisecond.
            lassign [blockload timers [srv host] [srv port] 10000 1500 2000] arrived early worst p99
            set srv_worst [server_lateness_ms 0]
            set srv_fig [expr {$srv_worst >= 0 ? "[format %.1f $srv_worst] ms" : "n/a"}]
            puts "      10,000 timeouts: worst $srv_fig late in the server;\
                  clients saw worst $worst ms, p99 $p99 ms"
            assert_equal $arrived 10000
            assert_equal $early 0
            if {$srv_worst < 20.0 && $worst < 100.0} break
        }
        assert_lessthan $worst 100.0
        if {$srv_worst >= 0} {
            assert_lessthan $srv_worst 20.0
        }
        assert_equal [info_field [r info clients] clients_in_timeout_table] 0
    } {timing}
}

# Under the sanitizer build (run.tcl --asan) this proves blocked clients that disconnect
# leave nothing behind: 100,000 of them (seen ~13 s under ASan, ~9 s in release, where
# 25,000 are enough; KVD_BLOCK_DROP overrides). blockload resets each connection (SO_LINGER
# 0), so no TIME_WAIT port is left and the ephemeral port range does not bound the count.
# Not tagged timing: the sanitizer run excludes that tag.
with_server {tags {blocking slow} overrides {maxclients 12000}} {
    test {Clients that block and drop (100,000 under ASan) leave no blocked state behind} {
        set total [expr {[info exists ::env(KVD_BLOCK_DROP)] ? $::env(KVD_BLOCK_DROP)
                         : ($::kvd::asan ? 100000 : 25000)}]
        set before [r info clients]
        set t0 [clock milliseconds]
        # Rounds of 5,000: each waits until INFO shows all blocked, resets them all, then
        # waits until INFO shows them all gone.
        set out [blockload drop [srv host] [srv port] $total 5000]
        puts "      $out (total [expr {[clock milliseconds] - $t0}] ms)"
        assert_match "$total clients blocked and dropped *" $out
        set after [r info clients]
        foreach f {connected_clients blocked_clients clients_in_timeout_table} {
            assert_equal [info_field $before $f] [info_field $after $f] $f
        }
        assert_equal [info_field $after blocked_clients] 0
        # The wait queues of the keys they blocked on are gone too: a fresh waiter on one of
        # them is the only one served.
        set rd [blocked_client 1 blpop k0 kx 5]
        r rpush k0 v
        assert_equal [$rd read] {k0 v}
        $rd close
        assert_equal [r exists k0] 0
        r rpush k0 v2
        assert_equal [r lrange k0 0 -1] {v2}
        wait_blocked 0
    }

    test {a served waiter's reply is not overtaken by the pusher's reply} {
        # Redis writes all pending replies together before it reads more input, the served
        # waiter's among them, so a client holding the pusher's reply may count on the
        # waiter's having been sent. A slow command from a third client right behind the push
        # (same loop pass, most rounds) holds the end of that pass for 30 ms.
        set pusher [redis_deferring_client]
        set slow [redis_deferring_client]
        set overtaken 0
        for {set i 0} {$i < 15} {incr i} {
            set w [blocked_client 1 blpop order_q 0]
            $pusher rpush order_q x
            $slow debug sleep 0.03
            assert_equal [$pusher read] 1
            # no waiting here: the waiter's bytes must already be in its socket
            if {[read [$w fd]] eq ""} { incr overtaken }
            assert_equal [$slow read] OK
            $w close
        }
        $pusher close
        $slow close
        assert_equal $overtaken 0
    }
}
