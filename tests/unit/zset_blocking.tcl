# tests/unit/zset_blocking.tcl: BZPOPMIN, BZPOPMAX and BZMPOP: immediate replies, argument
# errors and their order, blocking and serving (FIFO, several keys, in-place ZADD, STORE
# commands), timeouts, wrong types at wake-up, MULTI, CLIENT UNBLOCK, RESP3 shapes and
# COMMAND INFO. Every expectation was checked against redis-server 7.0.15 with this suite.

proc zb_blocked_clients {} {
    return [info_field [r info clients] blocked_clients]
}

proc zb_wait_blocked {n} {
    wait_for_condition 200 5 {[zb_blocked_clients] == $n} "expected $n blocked clients"
}

# A deferring client that has sent cmd and is now blocked (blocked count goes to n).
proc zb_blocked_client {n args} {
    set rd [redis_deferring_client]
    $rd {*}$args
    zb_wait_blocked $n
    return $rd
}

with_server {tags {zset blocking}} {
    # ---- immediate replies -------------------------------------------------------------------

    test {BZPOPMIN and BZPOPMAX on a non-empty zset reply key, member, score at once} {
        r flushall
        r zadd z 1 a 2 b 3 c
        assert_equal [r bzpopmin z 0] {z a 1}
        assert_equal [r bzpopmax z 0] {z c 3}
        assert_equal [r rawcmd bzpopmin z 1] "*3\r\n\$1\r\nz\r\n\$1\r\nb\r\n\$1\r\n2\r\n"
        assert_equal [r exists z] 0
    }

    test {BZPOPMIN serves the first non-empty key in argument order; WRONGTYPE at once} {
        r flushall
        r zadd b 5 b1
        r zadd c 6 c1
        assert_equal [r bzpopmin a b c 0] {b b1 5}
        assert_equal [r bzpopmax a c 0] {c c1 6}
        r set s x
        assert_error "WRONGTYPE*" {r bzpopmin s 0}
        assert_error "WRONGTYPE*" {r bzpopmin missing s 0}
        r zadd z 1 m
        assert_equal [r bzpopmin z s 0] {z m 1}
    }

    test {BZMPOP pops COUNT members from the first non-empty key at once} {
        r flushall
        r zadd b 1 x 2 y 3 w
        assert_equal [r bzmpop 0 3 a b c min count 2] {b {{x 1} {y 2}}}
        assert_equal [r bzmpop 0 1 b max count 10] {b {{w 3}}}
        r zadd b 1.5 q
        assert_equal [r rawcmd bzmpop 0 1 b max] "*2\r\n\$1\r\nb\r\n*1\r\n*2\r\n\$1\r\nq\r\n\$3\r\n1.5\r\n"
        assert_equal [r exists b] 0
    }

    # ---- argument errors ---------------------------------------------------------------------

    test {BZPOPMIN timeout errors come before any key is looked at} {
        r flushall
        r set s x
        assert_error "ERR timeout is not a float or out of range" {r bzpopmin k abc}
        assert_error "ERR timeout is not a float or out of range" {r bzpopmin s abc}
        assert_error "ERR timeout is negative" {r bzpopmax k -1}
        assert_error "ERR wrong number of arguments for 'bzpopmin' command" {r bzpopmin k}
    }

    test {BZMPOP parses numkeys, MIN|MAX and COUNT before the timeout} {
        r flushall
        r set s x
        assert_error "ERR numkeys should be greater than 0" {r bzmpop abc 0 k min}
        assert_error "ERR numkeys should be greater than 0" {r bzmpop 0 0 k min}
        assert_error "ERR syntax error" {r bzmpop abc 1 k foo}
        assert_error "ERR syntax error" {r bzmpop abc 5 k min}
        assert_error "ERR count should be greater than 0" {r bzmpop abc 1 k min count 0}
        assert_error "ERR syntax error" {r bzmpop 0 1 k min count 2 count 3}
        assert_error "ERR syntax error" {r bzmpop 0 1 k min count}
        assert_error "ERR timeout is not a float or out of range" {r bzmpop abc 1 k min}
        assert_error "ERR timeout is not a float or out of range" {r bzmpop abc 1 s min}
        assert_error "ERR timeout is negative" {r bzmpop -1 1 k min}
        assert_error "WRONGTYPE*" {r bzmpop 0 1 s min}
        assert_error "ERR wrong number of arguments for 'bzmpop' command" {r bzmpop 0 1 k}
    }

    # ---- blocking and serving ----------------------------------------------------------------

    test {BZPOPMIN blocks until ZADD creates the key} {
        r flushall
        set rd [zb_blocked_client 1 bzpopmin z 0]
        r zadd z 2 b 1 a
        assert_equal [$rd read] {z a 1}
        assert_equal [r zrange z 0 -1] {b}
        assert_equal [zb_blocked_clients] 0
        $rd close
    }

    test {BZPOPMAX and BZMPOP block and are served from the right end} {
        r flushall
        set rd [zb_blocked_client 1 bzpopmax z 0]
        r zadd z 1 a 2 b 3 c
        assert_equal [$rd read] {z c 3}
        r del z
        set rd2 [zb_blocked_client 1 bzmpop 0 2 y z max count 2]
        r zadd z 1 a 2 b 3 c
        assert_equal [$rd2 read] {z {{c 3} {b 2}}}
        assert_equal [r zrange z 0 -1] {a}
        $rd close
        $rd2 close
    }

    test {Waiters on one zset are served first-blocked-first-served} {
        r flushall
        set rd1 [zb_blocked_client 1 bzpopmin z 0]
        set rd2 [zb_blocked_client 2 bzpopmax z 0]
        set rd3 [zb_blocked_client 3 bzmpop 0 1 z min count 5]
        r zadd z 1 a 2 b 3 c 4 d
        assert_equal [$rd1 read] {z a 1}
        assert_equal [$rd2 read] {z d 4}
        assert_equal [$rd3 read] {z {{b 2} {c 3}}}
        assert_equal [r exists z] 0
        $rd1 close
        $rd2 close
        $rd3 close
    }

    test {A waiter on several keys is served from whichever gets a member} {
        r flushall
        set rd [zb_blocked_client 1 bzpopmin a b c 0]
        r zadd c 7 seven
        assert_equal [$rd read] {c seven 7}
        $rd close
    }

    test {ZADD to an existing zset wakes a waiter (key emptied and refilled in MULTI)} {
        r flushall
        set rd [zb_blocked_client 1 bzpopmin z 0]
        r multi
        r zadd z 1 a
        r zpopmin z
        r zadd z 2 b
        r zadd z 3 c
        r exec
        assert_equal [$rd read] {z b 2}
        assert_equal [r zrange z 0 -1] {c}
        $rd close
    }

    test {ZINCRBY, ZUNIONSTORE and ZRANGESTORE creating the key wake a waiter} {
        r flushall
        set rd [zb_blocked_client 1 bzpopmin z 0]
        r zincrby z 5 m
        assert_equal [$rd read] {z m 5}
        r zadd src 1 x 2 y
        $rd bzpopmax z 0
        zb_wait_blocked 1
        r zunionstore z 1 src
        assert_equal [$rd read] {z y 2}
        r del z
        $rd bzmpop 0 1 z min count 3
        zb_wait_blocked 1
        r zrangestore z src 0 -1
        assert_equal [$rd read] {z {{x 1} {y 2}}}
        $rd close
    }

    test {RENAME, COPY and MOVE bringing a zset to the waited key wake a waiter} {
        r flushall
        r zadd src 1 a 2 b
        set rd [zb_blocked_client 1 bzpopmin z 0]
        r rename src z
        assert_equal [$rd read] {z a 1}
        r del z
        r zadd src 3 c
        $rd bzpopmax z 0
        zb_wait_blocked 1
        r copy src z
        assert_equal [$rd read] {z c 3}
        $rd bzmpop 0 1 z min
        zb_wait_blocked 1
        r select 1
        r zadd z 4 d
        r move z 0
        r select 0
        assert_equal [$rd read] {z {{d 4}}}
        $rd close
    }

    test {SWAPDB bringing a zset under the waited key wakes a waiter} {
        r flushall
        set rd [zb_blocked_client 1 bzpopmin z 0]
        r select 1
        r zadd z 9 n
        r swapdb 0 1
        r select 0
        assert_equal [$rd read] {z n 9}
        $rd close
    }

    test {A list pushed to the key a zset waiter waits on does not serve it} {
        r flushall
        set rd [zb_blocked_client 1 bzpopmin k 0]
        r rpush k a
        after 50
        assert_equal [zb_blocked_clients] 1
        assert_equal [r lrange k 0 -1] {a}
        r del k
        r zadd k 1 m
        assert_equal [$rd read] {k m 1}
        $rd close
    }

    test {A zset waiter and a list waiter on one key: each is served by its own type} {
        r flushall
        set rdz [zb_blocked_client 1 bzpopmin k 0]
        set rdl [zb_blocked_client 2 blpop k 0]
        r rpush k a
        assert_equal [$rdl read] {k a}
        assert_equal [zb_blocked_clients] 1
        r zadd k 1 m
        assert_equal [$rdz read] {k m 1}
        $rdz close
        $rdl close
    }

    test {A string set at the waited key leaves the waiter blocked} {
        r flushall
        set rd [zb_blocked_client 1 bzmpop 0 1 k min]
        r set k v
        after 50
        assert_equal [zb_blocked_clients] 1
        r del k
        r zadd k 1 m
        assert_equal [$rd read] {k {{m 1}}}
        $rd close
    }

    test {A served pop counts in commandstats} {
        r flushall
        r config resetstat
        set rd [zb_blocked_client 1 bzpopmin z 0]
        r zadd z 1 a
        assert_equal [$rd read] {z a 1}
        wait_for_condition 100 5 {[string match "*cmdstat_bzpopmin:calls=1,*" [r info commandstats]]} \
            "bzpopmin commandstats"
        $rd close
    }

    # ---- timeouts ----------------------------------------------------------------------------

    test {BZPOPMIN, BZPOPMAX and BZMPOP time out with the null array} {
        r flushall
        assert_equal [r rawcmd bzpopmin a 0.01] "*-1\r\n"
        assert_equal [r rawcmd bzpopmax a b 0.01] "*-1\r\n"
        assert_equal [r rawcmd bzmpop 0.01 2 a b min count 3] "*-1\r\n"
        set rd [redis_deferring_client]
        set t0 [clock milliseconds]
        $rd bzpopmin k 0.2
        assert_equal [$rd read_raw_reply] "*-1\r\n"
        assert_range [expr {[clock milliseconds] - $t0}] 190 600
        assert_equal [zb_blocked_clients] 0
        $rd close
    }

    test {CLIENT UNBLOCK ends a zset wait with the timeout reply or UNBLOCKED} {
        r flushall
        set rd [zb_blocked_client 1 bzpopmin k 0]
        $rd set_timeout 2000
        set id [lindex [regexp -inline {id=(\d+) [^\n]*cmd=bzpopmin} [r client list]] 1]
        assert_equal [r client unblock $id] 1
        assert_equal [$rd read_raw_reply] "*-1\r\n"
        $rd bzmpop 0 1 k max
        zb_wait_blocked 1
        assert_equal [r client unblock $id error] 1
        assert_error "UNBLOCKED*" {$rd read}
        $rd close
    }

    # ---- MULTI -------------------------------------------------------------------------------

    test {Inside MULTI the blocking zset pops do not block: null array, or the pop} {
        r flushall
        r multi
        r bzpopmin k 0
        r bzpopmax k 0
        r bzmpop 0 1 k min
        r zadd k 1 a 2 b
        r bzpopmax k 0
        r bzmpop 0 1 k min count 5
        assert_equal [r exec] {{} {} {} 2 {k b 2} {k {{a 1}}}}
        r multi
        r bzpopmin k 0
        assert_equal [r rawcmd exec] "*1\r\n*-1\r\n"
    }

    # ---- RESP3 -------------------------------------------------------------------------------

    test {RESP3: BZPOPMIN is flat with a double score, BZMPOP nests, timeout is _} {
        r flushall
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        r zadd z 1 a 2.5 b 3 c
        $rd bzpopmin z 0
        assert_equal [$rd read_raw_reply] "*3\r\n\$1\r\nz\r\n\$1\r\na\r\n,1\r\n"
        $rd bzmpop 0 1 z max count 1
        assert_equal [$rd read_raw_reply] "*2\r\n\$1\r\nz\r\n*1\r\n*2\r\n\$1\r\nc\r\n,3\r\n"
        $rd bzpopmin none 0.01
        assert_equal [$rd read_raw_reply] "_\r\n"
        $rd bzmpop 0.01 1 none min
        assert_equal [$rd read_raw_reply] "_\r\n"
        $rd bzpopmax y 0
        zb_wait_blocked 1
        r zadd y 4 d
        assert_equal [$rd read_raw_reply] "*3\r\n\$1\r\ny\r\n\$1\r\nd\r\n,4\r\n"
        $rd bzmpop 0 1 y min
        zb_wait_blocked 1
        r zadd y 5 e
        assert_equal [$rd read_raw_reply] "*2\r\n\$1\r\ny\r\n*1\r\n*2\r\n\$1\r\ne\r\n,5\r\n"
        $rd close
    }

    # ---- COMMAND INFO ------------------------------------------------------------------------

    test {COMMAND INFO for the blocking zset pops: arity, flags, keys, categories} {
        set info [r command info bzpopmin bzpopmax bzmpop]
        assert_equal [lrange [lindex $info 0] 0 6] {bzpopmin -3 {write noscript blocking fast} 1 -2 1 {@write @sortedset @fast @blocking}}
        assert_equal [lrange [lindex $info 1] 0 6] {bzpopmax -3 {write noscript blocking fast} 1 -2 1 {@write @sortedset @fast @blocking}}
        assert_equal [lrange [lindex $info 2] 0 6] {bzmpop -5 {write blocking movablekeys} 0 0 0 {@write @sortedset @slow @blocking}}
    }
}
