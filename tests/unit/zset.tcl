# tests/unit/zset.tcl: the non-blocking sorted set commands: ZADD's options, ranges by rank,
# score and string (with LIMIT, REV, exclusive bounds), removals, pops, ZMPOP, the set
# operations with WEIGHTS/AGGREGATE, ZRANDMEMBER, ZSCAN; replies in RESP2 and RESP3, every
# error text, the listpack/skiplist encodings and their conversion points, and big sets.

proc zresp3_client {} {
    set c [redis_client]
    $c hello 3
    return $c
}

# Adds members m0..m(n-1) with scores 0..n-1 in batches.
proc zfill {key n {prefix m}} {
    r del $key
    set batch {}
    for {set i 0} {$i < $n} {incr i} {
        lappend batch $i "$prefix$i"
        if {[llength $batch] == 1000} { r zadd $key {*}$batch; set batch {} }
    }
    if {[llength $batch]} { r zadd $key {*}$batch }
}

proc zdirty {} { info_field [r info persistence] rdb_changes_since_last_save }

# Each suite runs twice: with the default thresholds (small sets are listpack) and with
# zset-max-listpack-entries 0 so that every set is a skiplist.
foreach zenc {listpack skiplist} {
with_server [list tags [list zset]] {
    if {$zenc eq "skiplist"} { r config set zset-max-listpack-entries 0 }

    # ---- ZADD, ZINCRBY ----------------------------------------------------------------------

    test "ZADD adds, updates and reports the count of new members ($zenc)" {
        r flushall
        assert_equal [r zadd z 1 a 2 b 3 c] 3
        assert_encoding $zenc z
        assert_equal [r zadd z 10 a 4 d] 1
        assert_equal [r zrange z 0 -1 withscores] {b 2 c 3 d 4 a 10}
        assert_equal [r zcard z] 4
        assert_equal [r type z] zset
        assert_equal [r zadd z 1 x 1 x 2 x] 1
        assert_equal [r zscore z x] 2
    }

    test "ZADD NX XX CH GT LT ($zenc)" {
        r flushall
        r zadd z 5 a
        assert_equal [r zadd z nx 1 a 2 b] 1
        assert_equal [r zscore z a] 5
        assert_equal [r zadd z xx 7 a 3 c] 0
        assert_equal [r zscore z a] 7
        assert_equal [r zscore z c] {}
        assert_equal [r zadd z ch 8 a 2 b 9 d] 2
        assert_equal [r zadd z gt ch 6 a 10 d 1 e] 2
        assert_equal [r zscore z a] 8
        assert_equal [r zscore z d] 10
        assert_equal [r zadd z lt ch 9 a 1 b] 1
        assert_equal [r zscore z b] 1
        assert_equal [r zadd z XX GT CH 20 a 20 zz] 1
        assert_equal [r zadd nokey xx 1 a] 0
        assert_equal [r exists nokey] 0
    }

    test "ZADD INCR and ZINCRBY reply the new score or null ($zenc)" {
        r flushall
        assert_equal [r zadd z incr 2.5 a] 2.5
        assert_equal [r zadd z incr 1 a] 3.5
        assert_equal [r zadd z nx incr 1 a] {}
        assert_equal [r rawcmd zadd z nx incr 1 a] "\$-1\r\n"
        assert_equal [r zadd z xx incr 1 b] {}
        assert_equal [r zadd z gt incr -1 a] {}
        assert_equal [r zadd z lt incr -1 a] 2.5
        assert_equal [r zincrby z 0.1 a] 2.6000000000000001
        assert_equal [r zincrby z 5 new] 5
        assert_equal [r zincrby z -inf a] -inf
        assert_error "ERR resulting score is not a number (NaN)" {r zincrby z +inf a}
        assert_error "ERR resulting score is not a number (NaN)" {r zadd z incr inf a}
        assert_equal [r zscore z a] -inf
        assert_error "ERR value is not a valid float" {r zincrby z abc a}
        assert_error "ERR INCR option supports a single increment-element pair" {r zadd z incr 1 a 2 b}
    }

    test "ZADD argument errors leave the key untouched ($zenc)" {
        r flushall
        assert_error "ERR syntax error" {r zadd z 1 a 2}
        assert_error "ERR syntax error" {r zadd z nx ch}
        assert_error "ERR wrong number of arguments for 'zadd' command" {r zadd z 1}
        assert_error "ERR XX and NX options at the same time are not compatible" {r zadd z nx xx 1 a}
        assert_error "ERR GT, LT, and/or NX options at the same time are not compatible" {r zadd z gt lt 1 a}
        assert_error "ERR GT, LT, and/or NX options at the same time are not compatible" {r zadd z nx gt 1 a}
        assert_error "ERR value is not a valid float" {r zadd z 1 a x b}
        assert_error "ERR value is not a valid float" {r zadd z nan a}
        assert_error "ERR value is not a valid float" {r zadd z " 1" a}
        assert_error "ERR value is not a valid float" {r zadd z 1e400 a}
        assert_equal [r exists z] 0
        assert_equal [r zadd z inf a -inf b 1e5 c 0 d] 4
        assert_equal [r zrange z 0 -1 withscores] {b -inf d 0 c 100000 a inf}
    }

    test "Scores are formatted as %.17g, doubles in RESP3 ($zenc)" {
        r flushall
        r zadd z 0.1 a 1e20 b 3 c 1.5 d
        assert_equal [r zscore z a] 0.10000000000000001
        assert_equal [r zscore z b] 1e+20
        assert_equal [r rawcmd zscore z c] "\$1\r\n3\r\n"
        set c [zresp3_client]
        assert_equal [$c rawcmd zscore z d] ",1.5\r\n"
        assert_equal [$c rawcmd zscore z nope] "_\r\n"
        assert_equal [$c rawcmd zincrby z 1 d] ",2.5\r\n"
        $c close
    }

    test "Equal scores order by member bytes ($zenc)" {
        r flushall
        r zadd z 1 b 1 a 1 ab 1 "" 0 z 1 A
        assert_equal [r zrange z 0 -1] {z {} A a ab b}
    }

    # ---- point reads ------------------------------------------------------------------------

    test "ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ($zenc)" {
        r flushall
        r zadd z 1 a 2 b 3 c
        assert_equal [r zcard z] 3
        assert_equal [r zcard nokey] 0
        assert_equal [r zscore z b] 2
        assert_equal [r zscore nokey b] {}
        assert_equal [r zmscore z a x c] {1 {} 3}
        assert_equal [r rawcmd zmscore z a x] "*2\r\n\$1\r\n1\r\n\$-1\r\n"
        assert_equal [r rawcmd zmscore nokey a] "*1\r\n\$-1\r\n"
        assert_equal [r zrank z a] 0
        assert_equal [r zrank z c] 2
        assert_equal [r zrevrank z c] 0
        assert_equal [r zrevrank z a] 2
        assert_equal [r zrank z x] {}
        assert_equal [r rawcmd zrank nokey x] "\$-1\r\n"
        assert_error "ERR wrong number of arguments for 'zmscore' command" {r zmscore z}
        set c [zresp3_client]
        assert_equal [$c rawcmd zmscore z a x] "*2\r\n,1\r\n_\r\n"
        assert_equal [$c rawcmd zrank z x] "_\r\n"
        $c close
    }

    test "ZCOUNT and ZLEXCOUNT with inclusive and exclusive bounds ($zenc)" {
        r flushall
        r zadd z 1 a 2 b 3 c 4 d 5 e
        assert_equal [r zcount z 2 4] 3
        assert_equal [r zcount z (2 4] 2
        assert_equal [r zcount z (2 (4] 1
        assert_equal [r zcount z -inf +inf] 5
        assert_equal [r zcount z 4 2] 0
        assert_equal [r zcount z (3 3] 0
        assert_equal [r zcount z 3 3] 1
        assert_equal [r zcount nokey 0 1] 0
        assert_error "ERR min or max is not a float" {r zcount z a 1}
        assert_error "ERR min or max is not a float" {r zcount z 1 (x}
        assert_error "ERR min or max is not a float" {r zcount nokey nan 1}
        r del z
        r zadd z 0 a 0 b 0 c 0 d 0 e
        assert_equal [r zlexcount z - +] 5
        assert_equal [r zlexcount z \[b \[d] 3
        assert_equal [r zlexcount z (b \[d] 2
        assert_equal [r zlexcount z (b (d] 1
        assert_equal [r zlexcount z + -] 0
        assert_equal [r zlexcount z \[d \[b] 0
        assert_equal [r zlexcount z - (c] 2
        assert_equal [r zlexcount nokey - +] 0
        assert_error "ERR min or max not valid string range item" {r zlexcount z a \[b}
        assert_error "ERR min or max not valid string range item" {r zlexcount z \[a ""}
        assert_error "ERR min or max not valid string range item" {r zlexcount z -a +}
    }

    # ---- ZRANGE family ----------------------------------------------------------------------

    test "ZRANGE by rank with negative indexes, ZREVRANGE ($zenc)" {
        r flushall
        r zadd z 1 a 2 b 3 c 4 d
        assert_equal [r zrange z 0 -1] {a b c d}
        assert_equal [r zrange z 1 2] {b c}
        assert_equal [r zrange z -2 -1] {c d}
        assert_equal [r zrange z -100 1] {a b}
        assert_equal [r zrange z 2 100] {c d}
        assert_equal [r zrange z 3 1] {}
        assert_equal [r zrange z 10 20] {}
        assert_equal [r zrange z 0 0 withscores] {a 1}
        assert_equal [r zrange z 0 1 rev] {d c}
        assert_equal [r zrevrange z 0 1 withscores] {d 4 c 3}
        assert_equal [r zrevrange z -1 -1] {a}
        assert_equal [r zrange nokey 0 -1] {}
        assert_error "ERR value is not an integer or out of range" {r zrange z a 1}
        assert_error "ERR syntax error" {r zrange z 0 1 foo}
        assert_error "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX" {r zrange z 0 1 limit 0 1}
        assert_error "ERR syntax error" {r zrevrange z 0 1 rev}
        assert_error "ERR syntax error" {r zrange z 0 1 limit 0}
    }

    test "ZRANGE WITHSCORES is flat in RESP2 and pairs in RESP3 ($zenc)" {
        r flushall
        r zadd z 1 a 2.5 b
        assert_equal [r rawcmd zrange z 0 -1 withscores] "*4\r\n\$1\r\na\r\n\$1\r\n1\r\n\$1\r\nb\r\n\$3\r\n2.5\r\n"
        set c [zresp3_client]
        assert_equal [$c rawcmd zrange z 0 -1 withscores] "*2\r\n*2\r\n\$1\r\na\r\n,1\r\n*2\r\n\$1\r\nb\r\n,2.5\r\n"
        assert_equal [$c rawcmd zrange z 0 -1] "*2\r\n\$1\r\na\r\n\$1\r\nb\r\n"
        assert_equal [$c rawcmd zrangebyscore z 2 3 withscores] "*1\r\n*2\r\n\$1\r\nb\r\n,2.5\r\n"
        assert_equal [$c rawcmd zrange nokey 0 -1] "*0\r\n"
        $c close
    }

    test "ZRANGEBYSCORE and ZREVRANGEBYSCORE with LIMIT and exclusive bounds ($zenc)" {
        r flushall
        r zadd z 1 a 2 b 3 c 4 d 5 e
        assert_equal [r zrangebyscore z 2 4] {b c d}
        assert_equal [r zrangebyscore z (2 4] {c d}
        assert_equal [r zrangebyscore z -inf (3 withscores] {a 1 b 2}
        assert_equal [r zrangebyscore z -inf +inf limit 1 2] {b c}
        assert_equal [r zrangebyscore z -inf +inf limit 1 -1] {b c d e}
        assert_equal [r zrangebyscore z -inf +inf limit -1 2] {}
        assert_equal [r zrangebyscore z -inf +inf limit 10 2] {}
        assert_equal [r zrangebyscore z -inf +inf limit 0 0] {}
        assert_equal [r zrangebyscore z 4 2] {}
        assert_equal [r zrevrangebyscore z 4 2] {d c b}
        assert_equal [r zrevrangebyscore z +inf -inf limit 1 2 withscores] {d 4 c 3}
        assert_equal [r zrevrangebyscore z (4 (1] {c b}
        assert_equal [r zrange z 2 4 byscore] {b c d}
        assert_equal [r zrange z 4 2 byscore rev limit 1 5] {c b}
        assert_equal [r zrange z (1 +inf byscore limit 0 2 withscores] {b 2 c 3}
        assert_equal [r zrangebyscore z " 2" 3] {b c}
        assert_error "ERR min or max is not a float" {r zrangebyscore z x 1}
        assert_error "ERR min or max is not a float" {r zrange z 1 x byscore}
        assert_error "ERR syntax error" {r zrangebyscore z 1 2 rev}
        assert_error "ERR syntax error" {r zrangebyscore z 1 2 bylex}
        assert_error "ERR value is not an integer or out of range" {r zrangebyscore z 1 2 limit a 1}
        assert_error "ERR syntax error" {r zrangebyscore z 1 2 limit 1}
    }

    test "ZRANGEBYLEX and ZREVRANGEBYLEX ($zenc)" {
        r flushall
        r zadd z 0 alpha 0 bar 0 cool 0 down 0 elephant 0 foo 0 great 0 hill 0 omega
        assert_equal [r zrangebylex z - \[cool] {alpha bar cool}
        assert_equal [r zrangebylex z - (cool] {alpha bar}
        assert_equal [r zrangebylex z \[bar (foo] {bar cool down elephant}
        assert_equal [r zrangebylex z (great +] {hill omega}
        assert_equal [r zrangebylex z - + limit 2 3] {cool down elephant}
        assert_equal [r zrevrangebylex z + - limit 0 2] {omega hill}
        assert_equal [r zrevrangebylex z \[d - ] {cool bar alpha}
        assert_equal [r zrange z \[d - bylex rev] {cool bar alpha}
        assert_equal [r zrange z (a \[c bylex] {alpha bar}
        assert_equal [r zrangebylex z + -] {}
        assert_equal [r zrangebylex nokey - +] {}
        assert_error "ERR min or max not valid string range item" {r zrangebylex z a +}
        assert_error "ERR syntax error, WITHSCORES not supported in combination with BYLEX" {r zrange z - + bylex withscores}
        assert_error "ERR syntax error, WITHSCORES not supported in combination with BYLEX" {r zrangebylex z - + withscores}
        assert_error "ERR syntax error" {r zrange z 0 1 byscore bylex}
    }

    test "ZRANGESTORE stores a range and deletes the destination when empty ($zenc)" {
        r flushall
        r zadd z 1 a 2 b 3 c 4 d
        assert_equal [r zrangestore dst z 1 2] 2
        assert_equal [r zrange dst 0 -1 withscores] {b 2 c 3}
        assert_encoding $zenc dst
        assert_equal [r zrangestore dst z 2 3 byscore rev] 0
        assert_equal [r exists dst] 0
        assert_equal [r zrangestore dst z 4 1 byscore rev limit 1 2] 2
        assert_equal [r zrange dst 0 -1] {b c}
        assert_equal [r zrangestore dst z (a + bylex] 3
        r set str x
        assert_equal [r zrangestore str nokey 0 -1] 0
        assert_equal [r exists str] 0
        r set str x
        assert_equal [r zrangestore str z 0 0] 1
        assert_equal [r type str] zset
        assert_equal [r zrangestore z z 0 1] 2
        assert_equal [r zrange z 0 -1] {a b}
        assert_error "ERR syntax error" {r zrangestore dst z 0 1 withscores}
        r set s x
        assert_error "WRONGTYPE*" {r zrangestore dst s 0 1}
        r set ttlkey x ex 100
        r zrangestore ttlkey z 0 -1
        assert_equal [r ttl ttlkey] -1
    }

    # ---- removals ---------------------------------------------------------------------------

    test "ZREM removes members and deletes the emptied key ($zenc)" {
        r flushall
        r zadd z 1 a 2 b 3 c
        assert_equal [r zrem z a x a] 1
        assert_equal [r zrem nokey a] 0
        set before [zdirty]
        assert_equal [r zrem z b c] 2
        assert_equal [expr {[zdirty] - $before}] 2
        assert_equal [r exists z] 0
        assert_error "ERR wrong number of arguments for 'zrem' command" {r zrem z}
    }

    test "ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX ($zenc)" {
        r flushall
        r zadd z 1 a 2 b 3 c 4 d 5 e
        assert_equal [r zremrangebyrank z 1 2] 2
        assert_equal [r zrange z 0 -1] {a d e}
        assert_equal [r zremrangebyrank z -1 -1] 1
        assert_equal [r zremrangebyrank z 5 10] 0
        assert_equal [r zremrangebyrank z 1 0] 0
        assert_equal [r zremrangebyrank nokey 0 -1] 0
        assert_equal [r zremrangebyrank z 0 -1] 2
        assert_equal [r exists z] 0
        r zadd z 1 a 2 b 3 c 4 d 5 e
        assert_equal [r zremrangebyscore z (1 3] 2
        assert_equal [r zremrangebyscore z 10 20] 0
        assert_equal [r zremrangebyscore z -inf +inf] 3
        assert_equal [r exists z] 0
        r zadd z 0 a 0 b 0 c 0 d
        assert_equal [r zremrangebylex z (a \[c] 2
        assert_equal [r zrange z 0 -1] {a d}
        assert_equal [r zremrangebylex z - +] 2
        assert_equal [r exists z] 0
        assert_error "ERR value is not an integer or out of range" {r zremrangebyrank z x 1}
        assert_error "ERR min or max is not a float" {r zremrangebyscore z x 1}
        assert_error "ERR min or max not valid string range item" {r zremrangebylex z x +}
    }

    # ---- pops -------------------------------------------------------------------------------

    test "ZPOPMIN and ZPOPMAX with and without count ($zenc)" {
        r flushall
        r zadd z 1 a 2 b 3 c 4 d
        assert_equal [r zpopmin z] {a 1}
        assert_equal [r zpopmax z] {d 4}
        assert_equal [r zpopmin z 10] {b 2 c 3}
        assert_equal [r exists z] 0
        assert_equal [r zpopmin z] {}
        r zadd z 1 a 2 b 3 c
        assert_equal [r zpopmax z 2] {c 3 b 2}
        assert_equal [r zpopmin z 0] {}
        assert_equal [r zcard z] 1
        assert_error "ERR value is out of range, must be positive" {r zpopmin z -1}
        assert_error "ERR value is out of range, must be positive" {r zpopmin z x}
        assert_error "ERR syntax error" {r zpopmin z 1 2}
    }

    test "ZPOPMIN reply shapes in RESP2 and RESP3 ($zenc)" {
        r flushall
        r zadd z 1 a 2 b 3 c 4 d
        set c [zresp3_client]
        assert_equal [$c rawcmd zpopmin z] "*2\r\n\$1\r\na\r\n,1\r\n"
        assert_equal [$c rawcmd zpopmin z 1] "*1\r\n*2\r\n\$1\r\nb\r\n,2\r\n"
        assert_equal [$c rawcmd zpopmax nokey] "*0\r\n"
        assert_equal [$c rawcmd zpopmax nokey 0] "*0\r\n"
        $c close
        assert_equal [r rawcmd zpopmax z 1] "*2\r\n\$1\r\nd\r\n\$1\r\n4\r\n"
    }

    test "ZMPOP pops from the first non-empty key ($zenc)" {
        r flushall
        r zadd z2 1 a 2 b 3 c
        assert_equal [r zmpop 2 z1 z2 min] {z2 {{a 1}}}
        assert_equal [r zmpop 2 z1 z2 max count 5] {z2 {{c 3} {b 2}}}
        assert_equal [r exists z2] 0
        assert_equal [r rawcmd zmpop 1 z1 min] "*-1\r\n"
        r zadd z1 1 a
        assert_equal [r rawcmd zmpop 1 z1 MIN COUNT 1] "*2\r\n\$2\r\nz1\r\n*1\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n"
    }

    test "ZMPOP errors ($zenc)" {
        r flushall
        assert_error "ERR numkeys should be greater than 0" {r zmpop 0 a min}
        assert_error "ERR numkeys should be greater than 0" {r zmpop x a min}
        assert_error "ERR syntax error" {r zmpop 2 a min}
        assert_error "ERR syntax error" {r zmpop 1 a foo}
        assert_error "ERR count should be greater than 0" {r zmpop 1 a min count 0}
        assert_error "ERR count should be greater than 0" {r zmpop 1 a min count x}
        assert_error "ERR syntax error" {r zmpop 1 a min count 1 count 2}
        assert_error "ERR syntax error" {r zmpop 1 a min count}
        r set s x
        assert_error "WRONGTYPE*" {r zmpop 2 nokey s min}
        set c [zresp3_client]
        assert_equal [$c rawcmd zmpop 1 nokey min] "_\r\n"
        r zadd z 1 a
        assert_equal [$c rawcmd zmpop 1 z max] "*2\r\n\$1\r\nz\r\n*1\r\n*2\r\n\$1\r\na\r\n,1\r\n"
        $c close
    }

    # ---- set operations ---------------------------------------------------------------------

    test "ZUNIONSTORE with WEIGHTS and AGGREGATE ($zenc)" {
        r flushall
        r zadd z1 1 a 2 b 3 c
        r zadd z2 1 b 2 c 3 d
        assert_equal [r zunionstore dst 2 z1 z2] 4
        assert_equal [r zrange dst 0 -1 withscores] {a 1 b 3 d 3 c 5}
        assert_equal [r zunionstore dst 2 z1 z2 weights 2 3] 4
        assert_equal [r zrange dst 0 -1 withscores] {a 2 b 7 d 9 c 12}
        assert_equal [r zunionstore dst 2 z1 z2 aggregate min] 4
        assert_equal [r zrange dst 0 -1 withscores] {a 1 b 1 c 2 d 3}
        assert_equal [r zunionstore dst 2 z1 z2 aggregate max weights 1 -1] 4
        assert_equal [r zrange dst 0 -1 withscores] {d -3 a 1 b 2 c 3}
        assert_equal [r zunionstore dst 3 z1 nokey z2] 4
        assert_equal [r zunionstore dst 1 nokey] 0
        assert_equal [r exists dst] 0
        assert_encoding $zenc z1
    }

    test "ZINTERSTORE, ZDIFFSTORE and ZINTERCARD ($zenc)" {
        r flushall
        r zadd z1 1 a 2 b 3 c
        r zadd z2 1 b 2 c 3 d
        assert_equal [r zinterstore dst 2 z1 z2] 2
        assert_equal [r zrange dst 0 -1 withscores] {b 3 c 5}
        assert_equal [r zinterstore dst 2 z1 z2 weights 1 0 aggregate max] 2
        assert_equal [r zrange dst 0 -1 withscores] {b 2 c 3}
        assert_equal [r zinterstore dst 2 z1 nokey] 0
        assert_equal [r exists dst] 0
        assert_equal [r zdiffstore dst 2 z1 z2] 1
        assert_equal [r zrange dst 0 -1 withscores] {a 1}
        assert_equal [r zdiffstore dst 2 nokey z1] 0
        assert_equal [r zdiffstore dst 1 z1] 3
        assert_equal [r zintercard 2 z1 z2] 2
        assert_equal [r zintercard 2 z1 z2 limit 1] 1
        assert_equal [r zintercard 2 z1 z2 limit 0] 2
        assert_equal [r zintercard 2 z1 nokey] 0
    }

    test "ZUNION ZINTER ZDIFF reply members with optional scores ($zenc)" {
        r flushall
        r zadd z1 1 a 2 b 3 c
        r zadd z2 1 b 2 c 3 d
        assert_equal [r zunion 2 z1 z2] {a b d c}
        assert_equal [r zunion 2 z1 z2 withscores] {a 1 b 3 d 3 c 5}
        assert_equal [r zinter 2 z1 z2 withscores] {b 3 c 5}
        assert_equal [r zinter 2 z1 z2 aggregate min withscores] {b 1 c 2}
        assert_equal [r zdiff 2 z1 z2 withscores] {a 1}
        assert_equal [r zdiff 2 z2 z1] {d}
        assert_equal [r zunion 1 nokey] {}
        set c [zresp3_client]
        assert_equal [$c rawcmd zinter 2 z1 z2 withscores] "*2\r\n*2\r\n\$1\r\nb\r\n,3\r\n*2\r\n\$1\r\nc\r\n,5\r\n"
        assert_equal [$c rawcmd zdiff 2 z1 z2] "*1\r\n\$1\r\na\r\n"
        $c close
    }

    test "Set operations: inf weights, inf sums and duplicate keys ($zenc)" {
        r flushall
        r zadd z1 inf a -inf b 0 c
        r zadd z2 -inf a inf b 5 c
        assert_equal [r zunion 2 z1 z2 withscores] {a 0 b 0 c 5}
        assert_equal [r zunion 1 z1 weights 0 withscores] {a 0 b 0 c 0}
        assert_equal [r zinter 2 z1 z1 withscores] {b -inf c 0 a inf}
        assert_equal [r zunion 2 z1 z1 aggregate max withscores] {b -inf c 0 a inf}
    }

    test "Set operation errors ($zenc)" {
        r flushall
        r zadd z 1 a
        r set s x
        assert_error "ERR at least 1 input key is needed for 'zunionstore' command" {r zunionstore d 0 z}
        assert_error "ERR at least 1 input key is needed for 'zunion' command" {r zunion 0 z}
        assert_error "ERR at least 1 input key is needed for 'zintercard' command" {r zintercard 0 z}
        assert_error "ERR at least 1 input key is needed for 'zdiffstore' command" {r zdiffstore d -1 z}
        assert_error "ERR value is not an integer or out of range" {r zinter x z}
        assert_error "ERR syntax error" {r zinterstore d 2 z}
        assert_error "ERR syntax error" {r zunionstore d 1 z weights 1 2}
        assert_error "ERR syntax error" {r zunionstore d 1 z weights}
        assert_error "ERR weight value is not a float" {r zunion 1 z weights x}
        assert_error "ERR syntax error" {r zunion 1 z aggregate foo}
        assert_error "ERR syntax error" {r zdiff 1 z weights 1}
        assert_error "ERR syntax error" {r zintercard 1 z withscores}
        assert_error "ERR syntax error" {r zunionstore d 1 z withscores}
        assert_error "ERR LIMIT can't be negative" {r zintercard 1 z limit -1}
        assert_error "ERR LIMIT can't be negative" {r zintercard 1 z limit x}
        assert_error "WRONGTYPE*" {r zunion 2 z s}
        assert_error "WRONGTYPE*" {r zunion 2 s z weights x}
        assert_error "WRONGTYPE*" {r zinterstore d 1 s}
        assert_equal [r zunionstore s 1 z] 1
        assert_equal [r type s] zset
    }

    # ---- ZRANDMEMBER, ZSCAN -----------------------------------------------------------------

    test "ZRANDMEMBER without count, with positive and negative counts ($zenc)" {
        r flushall
        r zadd z 1 a 2 b 3 c 4 d 5 e
        assert_match {[a-e]} [r zrandmember z]
        assert_equal [r zrandmember nokey] {}
        assert_equal [r zrandmember nokey 5] {}
        assert_equal [r zrandmember z 0] {}
        assert_equal [lsort [r zrandmember z 5]] {a b c d e}
        assert_equal [lsort [r zrandmember z 50]] {a b c d e}
        set r3 [r zrandmember z 3]
        assert_equal [llength $r3] 3
        assert_equal [llength [lsort -unique $r3]] 3
        assert_equal [llength [r zrandmember z -20]] 20
        assert_equal [llength [lsort -unique [r zrandmember z 2]]] 2
        foreach {m s} [r zrandmember z -10 withscores] { assert_equal [r zscore z $m] $s }
        foreach {m s} [r zrandmember z 3 withscores] { assert_equal [r zscore z $m] $s }
        set c [zresp3_client]
        set pairs [$c zrandmember z 2 withscores]
        assert_equal [llength $pairs] 2
        assert_equal [llength [lindex $pairs 0]] 2
        $c close
        assert_error "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" {r zrandmember z -9223372036854775808}
        assert_error "ERR value is out of range" {r zrandmember z 9223372036854775807 withscores}
        assert_error "ERR syntax error" {r zrandmember z 1 foo}
        assert_error "ERR value is not an integer or out of range" {r zrandmember z x}
    }

    test "ZSCAN returns every member with its score ($zenc)" {
        r flushall
        r zadd z 1 a 2.5 b 3 c
        set cur 0
        set got {}
        while 1 {
            lassign [r zscan z $cur] cur items
            lappend got {*}$items
            if {$cur eq "0"} break
        }
        assert_equal [lsort -stride 2 $got] {a 1 b 2.5 c 3}
        assert_equal [r zscan z 0 match a*] {0 {a 1}}
        assert_equal [r zscan nokey 0] {0 {}}
        assert_equal [r zscan nokey 0 foo] {0 {}}
        assert_error "ERR invalid cursor" {r zscan z x}
        assert_error "ERR syntax error" {r zscan z 0 count 0}
        assert_error "ERR syntax error" {r zscan z 0 foo bar}
        set c [zresp3_client]
        assert_equal [$c rawcmd zscan z 0 match b] "*2\r\n\$1\r\n0\r\n*2\r\n\$1\r\nb\r\n\$3\r\n2.5\r\n"
        $c close
    }

    # ---- types, dirty counting, keyspace ----------------------------------------------------

    test "Sorted set commands on a string key are WRONGTYPE ($zenc)" {
        r flushall
        r set s x
        foreach cmd {
            {zadd s 1 a} {zincrby s 1 a} {zrem s a} {zcard s} {zscore s a} {zmscore s a}
            {zrank s a} {zrevrank s a} {zcount s 0 1} {zlexcount s - +} {zrange s 0 1}
            {zrevrange s 0 1} {zrangebyscore s 0 1} {zrevrangebyscore s 1 0}
            {zrangebylex s - +} {zrevrangebylex s + -} {zremrangebyrank s 0 1}
            {zremrangebyscore s 0 1} {zremrangebylex s - +} {zpopmin s} {zpopmax s 2}
            {zrandmember s} {zrandmember s 2} {zscan s 0}
        } {
            assert_error "WRONGTYPE*" [list r {*}$cmd]
        }
        r zadd z 1 a
        assert_error "WRONGTYPE*" {r get z}
        assert_error "WRONGTYPE*" {r lpush z a}
    }

    test "Writes count one change per member touched ($zenc)" {
        r flushall
        set before [zdirty]
        r zadd z 1 a 2 b 3 c
        r zadd z 1 a
        r zadd z 5 a
        r zincrby z 1 b
        r zpopmin z 2
        assert_equal [expr {[zdirty] - $before}] 7
    }

    test "COPY, RENAME and DEL work on sorted sets ($zenc)" {
        r flushall
        r zadd z 1 a 2 b
        assert_equal [r copy z z2] 1
        r zadd z2 3 c
        assert_equal [r zrange z 0 -1] {a b}
        assert_equal [r zrange z2 0 -1] {a b c}
        assert_encoding $zenc z2
        r rename z2 z3
        assert_equal [r zcard z3] 3
        assert_equal [r del z z3] 2
    }
}
}

# ---- encodings and conversions --------------------------------------------------------------

with_server {tags {zset encoding}} {
    test {A set converts to skiplist past 128 members or a 64-byte member} {
        r flushall
        zfill z 128
        assert_encoding listpack z
        r zadd z 1000 extra
        assert_encoding skiplist z
        r zrem z extra
        assert_encoding skiplist z
        r zadd y 1 [string repeat x 64]
        assert_encoding listpack y
        r zadd y 1 [string repeat x 65]
        assert_encoding skiplist y
        r zadd w 1 [string repeat x 65]
        assert_encoding skiplist w
    }

    test {Repeated members in one ZADD do not count toward the limit} {
        r flushall
        set args {}
        for {set i 0} {$i < 200} {incr i} { lappend args $i a }
        r zadd z {*}$args
        assert_encoding listpack z
        assert_equal [r zscore z a] 199
    }

    test {ZADD INCR and ZINCRBY convert on a long member} {
        r flushall
        r zadd z 1 a
        r zadd z incr 1 [string repeat x 65]
        assert_encoding skiplist z
        r zincrby z2 1 [string repeat x 65]
        assert_encoding skiplist z2
    }

    test {ZRANGESTORE destinations convert as they fill} {
        r flushall
        zfill z 200
        r zrangestore d z 0 127
        assert_encoding listpack d
        r zrangestore d z 0 128
        assert_encoding skiplist d
        r zadd big 1 [string repeat x 65] 2 b
        r zrangestore d big 1 1
        assert_encoding listpack d
    }

    test {ZUNIONSTORE and friends shrink small results back to listpack} {
        r flushall
        zfill z 200
        r zunionstore d 1 z
        assert_encoding skiplist d
        r zremrangebyrank z 0 149
        assert_encoding skiplist z
        r zunionstore d 1 z
        assert_encoding listpack d
        r zinterstore d 1 z
        assert_encoding listpack d
        r zdiffstore d 1 z
        assert_encoding listpack d
        r zadd l 1 [string repeat x 65]
        r zunionstore d 1 l
        assert_encoding skiplist d
    }

    test {zset-max-listpack-entries 0 makes every set a skiplist} {
        r flushall
        r config set zset-max-listpack-entries 0
        r zadd z 1 a
        assert_encoding skiplist z
        r zunionstore d 1 z
        assert_encoding skiplist d
        r config set zset-max-listpack-entries 128
        r config set zset-max-listpack-value 2
        r zadd y 1 abc
        assert_encoding skiplist y
        r config set zset-max-listpack-value 64
    }

    test {Negative zero reads back as 0 in a listpack and -0 in a skiplist} {
        r flushall
        r zadd z -0.0 a
        assert_equal [r zscore z a] 0
        r zadd s -0.0 [string repeat x 65]
        assert_equal [r zscore s [string repeat x 65]] -0
    }

    test {Big sorted set: ranks, ranges, removals and pops stay consistent} {
        r flushall
        zfill z 5000
        assert_encoding skiplist z
        assert_equal [r zcard z] 5000
        assert_equal [r zrank z m1234] 1234
        assert_equal [r zrevrank z m1234] 3765
        assert_equal [r zrange z 2500 2502] {m2500 m2501 m2502}
        assert_equal [r zrevrange z 0 1] {m4999 m4998}
        assert_equal [r zcount z (100 200] 100
        assert_equal [r zrangebyscore z 4990 +inf limit 2 3] {m4992 m4993 m4994}
        assert_equal [r zremrangebyscore z 1000 1999] 1000
        assert_equal [r zrank z m2000] 1000
        assert_equal [r zremrangebyrank z 0 99] 100
        assert_equal [r zrange z 0 0] {m100}
        assert_equal [r zpopmax z 3] {m4999 4999 m4998 4998 m4997 4997}
        r zadd z -1 m4000
        assert_equal [r zrange z 0 0 withscores] {m4000 -1}
        assert_equal [r zrank z m4000] 0
        r zincrby z 10000 m4000
        assert_equal [r zrevrange z 0 0] {m4000}
        assert_equal [r zcard z] 3897
        assert_equal [r zunionstore u 2 z z] 3897
        assert_equal [r zscore u m150] 300
        assert_equal [r zintercard 2 z u] 3897
        set n 0
        set cur 0
        while 1 {
            lassign [r zscan z $cur count 100] cur items
            incr n [expr {[llength $items] / 2}]
            if {$cur eq "0"} break
        }
        assert_morethan $n 3896
    }

    test {Big lexicographic set} {
        r flushall
        set args {}
        for {set i 0} {$i < 3000} {incr i} { lappend args 0 [format "k%05d" $i] }
        r zadd z {*}$args
        assert_equal [r zlexcount z \[k01000 (k02000] 1000
        assert_equal [r zrangebylex z (k02997 +] {k02998 k02999}
        assert_equal [r zrevrangebylex z (k00002 - ] {k00001 k00000}
        assert_equal [r zremrangebylex z - (k01500] 1500
        assert_equal [r zcard z] 1500
    }
}
