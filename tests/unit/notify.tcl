# tests/unit/notify.tcl: keyspace notifications (notify-keyspace-events).
#
# A subscriber sees exactly the events, in the order, that redis-server 7.0.15 publishes for
# each command group (every expectation below was first recorded against it): __keyspace@N__
# and __keyevent@N__ channels, class filtering, the canonical CONFIG GET form and its error,
# lazy and active expiry, MULTI/EXEC, blocked clients served later, RESP2 and RESP3 frames.
# Cost: about 2 s (one server; the active-expiry test waits for the cron).

# A deferring client listening to every notification channel and to the marker channel that
# kev uses to know it has seen everything a command published. The marker goes out on a
# client of its own, so it works while the main client is inside MULTI.
proc ev_sub {{pattern __key*__:*}} {
    set ::marker_client [redis_client]
    set rd [redis_deferring_client]
    $rd set_timeout 3000
    $rd psubscribe $pattern
    $rd read
    $rd subscribe zzmarker
    $rd read
    return $rd
}

# Everything sub received since the last call, as {channel message} pairs. The marker is
# published after the commands ran, so every notification they caused precedes it.
proc ev_drain {sub} {
    $::marker_client publish zzmarker x
    set out {}
    while 1 {
        set m [$sub read]
        if {[lindex $m 0] eq "message"} { break }
        lappend out [lrange $m 2 3]
    }
    return $out
}

# The same, written compactly: keyevent messages as event:key, keyspace ones as K:key:event,
# with @db appended outside db 0.
proc kev {sub} {
    set out {}
    foreach pair [ev_drain $sub] {
        lassign $pair ch msg
        if {![regexp {^__key(space|event)@([0-9]+)__:(.*)$} $ch -> kind db rest]} {
            error "unexpected channel $ch"
        }
        set s [expr {$kind eq "event" ? "$rest:$msg" : "K:$rest:$msg"}]
        if {$db != 0} { append s "@$db" }
        lappend out $s
    }
    return $out
}

# Runs each command of the table (errors are replies too) and checks the events it caused.
proc check_events {sub table} {
    foreach {cmd expected} $table {
        catch {r {*}$cmd}
        assert_equal [kev $sub] [list {*}$expected] "after: $cmd"
    }
}

proc blocked_clients {} { return [info_field [r info clients] blocked_clients] }

with_server {tags {notify pubsub}} {
    test {notify-keyspace-events is empty by default and nothing is published} {
        assert_equal [lindex [r config get notify-keyspace-events] 1] ""
        set sub [ev_sub]
        r set k v
        r lpush l a
        r get nosuch
        assert_equal [kev $sub] {}
        $sub close
        r flushall
    }

    test {CONFIG GET returns Redis's canonical form of the flags} {
        foreach {in out} {
            KEA AKE   A A   AKE AKE   Ex xE   nm nm   KEAnm AKEm   g g   KEd dKE   KEt tKE
            Kg$lshzxetdn AK   Ag$ A   mEK KEm   Em$g g$Em   ndtexzhsl$ $lshzxetdn
            ndtexzhslg glshzxetdn   mndtEK tdnKEm   KEAn AKE   {} {}
        } {
            r config set notify-keyspace-events $in
            assert_equal [lindex [r config get notify-keyspace-events] 1] $out "set '$in'"
        }
        r config set notify-keyspace-events ""
    }

    test {CONFIG SET notify-keyspace-events rejects unknown letters and keeps the old value} {
        r config set notify-keyspace-events KE$
        foreach bad {KEB {K E} KEa x1} {
            assert_error "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag\$lshzxeKEtmdn'." {
                r config set notify-keyspace-events $bad
            }
        }
        assert_equal [lindex [r config get notify-keyspace-events] 1] {$KE}
        r config set notify-keyspace-events ""
    }

    test {K publishes on __keyspace@N__:key, E on __keyevent@N__:event, keyspace first} {
        set sub [ev_sub]
        r config set notify-keyspace-events K$
        r set k v
        assert_equal [ev_drain $sub] {{__keyspace@0__:k set}}
        r config set notify-keyspace-events E$
        r set k v
        assert_equal [ev_drain $sub] {{__keyevent@0__:set k}}
        r config set notify-keyspace-events KE$
        r set k v
        assert_equal [ev_drain $sub] {{__keyspace@0__:k set} {__keyevent@0__:set k}}
        # Classes without K or E publish nothing.
        r config set notify-keyspace-events {g$lshzxn}
        r set k2 v
        r del k2
        assert_equal [ev_drain $sub] {}
        r select 9
        r config set notify-keyspace-events KEA
        r set k v
        assert_equal [kev $sub] {K:k:set@9 set:k@9}
        r select 0
        r flushall
        $sub close
    }

    test {Each class letter selects only its events} {
        set sub [ev_sub]
        set script {
            set s 1 incr s lpush l a sadd S a hset h f v zadd z 1 a
            expire s 100 get nosuch del s l S h z
        }
        foreach {flags expected} {
            E$ {set:s incrby:s}
            El {lpush:l}
            Es {sadd:S}
            Eh {hset:h}
            Ez {zadd:z}
            Eg {expire:s del:s del:l del:S del:h del:z}
            En {new:s new:l new:S new:h new:z}
            Em {keymiss:nosuch}
            EA {set:s incrby:s lpush:l sadd:S hset:h zadd:z expire:s del:s del:l del:S del:h del:z}
            EAnm {new:s set:s incrby:s new:l lpush:l new:S sadd:S new:h hset:h new:z zadd:z
                  expire:s keymiss:nosuch del:s del:l del:S del:h del:z}
        } {
            r config set notify-keyspace-events $flags
            r set s 1
            r incr s
            r lpush l a
            r sadd S a
            r hset h f v
            r zadd z 1 a
            r expire s 100
            r get nosuch
            r del s l S h z
            assert_equal [kev $sub] [list {*}$expected] "flags $flags"
        }
        $sub close
        r flushall
    }

    r config set notify-keyspace-events EAnm

    test {String commands: new, set, expire, incrby, append, setrange, keymiss} {
        set sub [ev_sub]
        check_events $sub {
            {set s1 a} {new:s1 set:s1}
            {set s1 b} {set:s1}
            {set s1 c NX} {}
            {set s1 d XX GET} {set:s1}
            {set s1 e EX 100} {set:s1 expire:s1}
            {set s1 f KEEPTTL} {set:s1}
            {setnx s1 x} {}
            {setnx s2 x} {new:s2 set:s2}
            {setex s3 100 v} {new:s3 set:s3 expire:s3}
            {psetex s4 100000 v} {new:s4 set:s4 expire:s4}
            {getset s2 y} {set:s2}
            {getset s5 y} {keymiss:s5 new:s5 set:s5}
            {getdel s5} {del:s5}
            {getdel s5} {keymiss:s5}
            {get nosuch} {keymiss:nosuch}
            {get s1} {}
            {mget s1 nosuch1 nosuch2} {keymiss:nosuch1 keymiss:nosuch2}
            {getex s1 EX 200} {expire:s1}
            {getex s1 PERSIST} {persist:s1}
            {getex s1 PERSIST} {}
            {getex s1} {}
            {getex nosuch EX 10} {keymiss:nosuch}
            {getex s1 PX 0} {}
            {mset m1 a m2 b} {new:m1 set:m1 new:m2 set:m2}
            {msetnx m1 a m3 b} {}
            {msetnx m4 a m5 b} {new:m4 set:m4 new:m5 set:m5}
            {strlen nosuch} {keymiss:nosuch}
            {append a1 xx} {new:a1 append:a1}
            {append a1 yy} {append:a1}
            {setrange r1 0 abc} {new:r1 setrange:r1}
            {setrange r1 1 zz} {setrange:r1}
            {setrange r2 0 {}} {}
            {incr i1} {new:i1 incrby:i1}
            {incrby i1 5} {incrby:i1}
            {decr i1} {incrby:i1}
            {decrby i1 2} {incrby:i1}
            {incrbyfloat i1 1.5} {incrbyfloat:i1}
            {incrbyfloat i2 1.5} {new:i2 incrbyfloat:i2}
            {incr a1} {}
            {getrange nosuch 0 1} {keymiss:nosuch}
            {lcs nosuch1 nosuch2} {keymiss:nosuch1 keymiss:nosuch2}
            {set e8 v} {new:e8 set:e8}
            {set e8 w NX GET} {}
            {getex e8 EXAT 1} {del:e8}
        }
        $sub close
        r flushall
    }

    test {Generic commands: del, expire, persist, rename, move, copy; reads miss} {
        set sub [ev_sub]
        r mset m1 a m3 b s1 x s2 y
        kev $sub
        check_events $sub {
            {del s1 s2 nosuch} {del:s1 del:s2}
            {unlink m1 nosuch} {del:m1}
            {exists nosuch m3} {keymiss:nosuch}
            {type nosuch} {keymiss:nosuch}
            {ttl nosuch} {keymiss:nosuch}
            {pttl nosuch} {keymiss:nosuch}
            {expiretime nosuch} {keymiss:nosuch}
            {touch nosuch m3} {keymiss:nosuch}
            {object encoding nosuch} {}
            {object freq nosuch} {}
            {memory usage nosuch} {}
            {debug object nosuch} {}
            {set k1 v} {new:k1 set:k1}
            {expire k1 100} {expire:k1}
            {expire k1 100 NX} {}
            {expire k1 200 LT} {}
            {expire k1 10 LT} {expire:k1}
            {pexpire k1 100000} {expire:k1}
            {expireat k1 9999999999} {expire:k1}
            {pexpireat k1 9999999999000} {expire:k1}
            {persist k1} {persist:k1}
            {persist k1} {}
            {expire k1 -1} {del:k1}
            {set k1 v} {new:k1 set:k1}
            {pexpire k1 0} {del:k1}
            {expire nosuch 10} {}
            {set k2 v} {new:k2 set:k2}
            {rename k2 k3} {new:k3 rename_from:k2 rename_to:k3}
            {set k4 v} {new:k4 set:k4}
            {rename k4 k3} {new:k3 rename_from:k4 rename_to:k3}
            {renamenx k3 k5} {new:k5 rename_from:k3 rename_to:k5}
            {set k6 v} {new:k6 set:k6}
            {renamenx k6 k5} {}
            {rename k5 k5} {}
            {rename nosuch k9} {}
            {move k5 1} {new:k5@1 move_from:k5 move_to:k5@1}
            {move k6 0} {}
            {set k7 v} {new:k7 set:k7}
            {copy k7 k8} {new:k8 copy_to:k8}
            {copy k7 k8 REPLACE} {new:k8 copy_to:k8}
            {copy k7 k8} {}
            {copy k7 k5 DB 1} {}
            {copy k7 k5 DB 1 REPLACE} {new:k5@1 copy_to:k5@1}
            {copy nosuch k8} {keymiss:nosuch}
            {dbsize} {}
            {flushdb} {}
        }
        r set a 1
        r select 1
        r set b 1
        r select 0
        kev $sub
        check_events $sub {
            {swapdb 0 1} {}
            {flushall} {}
        }
        $sub close
    }

    test {List commands: push, pop, insert, set, rem, trim, move; emptied lists send del} {
        set sub [ev_sub]
        check_events $sub {
            {lpush l1 a b c} {new:l1 lpush:l1}
            {rpush l1 d} {rpush:l1}
            {lpushx l1 e} {lpush:l1}
            {rpushx l1 f} {rpush:l1}
            {lpushx nol e} {}
            {rpushx nol e} {}
            {linsert l1 BEFORE a x} {linsert:l1}
            {linsert l1 BEFORE nothere x} {}
            {linsert nol BEFORE a x} {}
            {lset l1 0 q} {lset:l1}
            {lset nosuch 0 q} {}
            {lrem l1 1 q} {lrem:l1}
            {lrem l1 0 nothere} {}
            {ltrim l1 0 2} {ltrim:l1}
            {ltrim l1 0 -1} {ltrim:l1}
            {ltrim nol 0 1} {}
            {lpop l1} {lpop:l1}
            {rpop l1} {rpop:l1}
            {lpop l1 5} {lpop:l1 del:l1}
            {lpop nol} {}
            {rpop nol} {}
            {lrange nol 0 1} {keymiss:nol}
            {llen nol} {keymiss:nol}
            {lindex nol 0} {keymiss:nol}
            {lpos nol a} {keymiss:nol}
            {rpush l2 a b} {new:l2 rpush:l2}
            {rpoplpush l2 l3} {new:l3 lpush:l3 rpop:l2}
            {rpoplpush l2 l3} {lpush:l3 rpop:l2 del:l2}
            {rpoplpush l3 l3} {lpush:l3 rpop:l3}
            {rpoplpush nol l3} {}
            {lmove l3 l4 LEFT RIGHT} {new:l4 rpush:l4 lpop:l3}
            {lmove l3 l4 LEFT LEFT} {lpush:l4 lpop:l3 del:l3}
            {lmove l4 l4 LEFT RIGHT} {rpush:l4 lpop:l4}
            {lmpop 2 nol l4 LEFT COUNT 10} {lpop:l4 del:l4}
            {lmpop 1 nol LEFT} {}
            {rpush l5 a b c} {new:l5 rpush:l5}
            {ltrim l5 5 10} {ltrim:l5 del:l5}
            {rpush l6 a} {new:l6 rpush:l6}
            {lrem l6 0 a} {lrem:l6 del:l6}
            {rpush l8 a b c} {new:l8 rpush:l8}
            {blpop l8 0} {lpop:l8}
            {brpop l8 0} {rpop:l8}
            {blmove l8 l9 LEFT RIGHT 0} {new:l9 rpush:l9 lpop:l8 del:l8}
            {brpoplpush l9 l10 0} {new:l10 lpush:l10 rpop:l9 del:l9}
            {blmpop 0 1 l10 RIGHT COUNT 3} {rpop:l10 del:l10}
            {set wt v} {new:wt set:wt}
            {lpush wt a} {}
        }
        $sub close
        r flushall
    }

    test {Hash commands: hset, hdel, hincrby, hincrbyfloat; reads miss} {
        set sub [ev_sub]
        check_events $sub {
            {hset h1 f1 v1 f2 v2} {new:h1 hset:h1}
            {hset h1 f1 v1} {hset:h1}
            {hsetnx h1 f3 v} {hset:h1}
            {hsetnx h1 f3 v} {}
            {hmset h1 f4 v} {hset:h1}
            {hincrby h1 n 5} {hincrby:h1}
            {hincrbyfloat h1 n 1.5} {hincrbyfloat:h1}
            {hincrby h1 f1 1} {}
            {hdel h1 nothere} {}
            {hdel h1 f1 f2} {hdel:h1}
            {hdel h1 f3 f4 n} {hdel:h1 del:h1}
            {hget nosuch f} {keymiss:nosuch}
            {hmget nosuch f g} {keymiss:nosuch}
            {hgetall nosuch} {keymiss:nosuch}
            {hlen nosuch} {keymiss:nosuch}
            {hexists nosuch f} {keymiss:nosuch}
            {hstrlen nosuch f} {keymiss:nosuch}
            {hrandfield nosuch} {keymiss:nosuch}
            {hscan nosuch 0} {keymiss:nosuch}
            {hsetnx h2 f v} {new:h2 hset:h2}
            {hincrby h3 f 1} {new:h3 hincrby:h3}
            {hincrbyfloat h4 f 1} {new:h4 hincrbyfloat:h4}
        }
        $sub close
        r flushall
    }

    test {Set commands: sadd, srem, spop, smove, and the STORE forms} {
        set sub [ev_sub]
        check_events $sub {
            {sadd s1 a b c} {new:s1 sadd:s1}
            {sadd s1 a} {}
            {srem s1 x} {}
            {srem s1 a} {srem:s1}
            {spop s1} {spop:s1}
            {spop s1 5} {spop:s1 del:s1}
            {spop nosuch} {}
            {sadd s2 a b c d} {new:s2 sadd:s2}
            {spop s2 2} {spop:s2}
            {spop s2 0} {}
            {spop s2 10} {spop:s2 del:s2}
            {sadd t3 a b} {new:t3 sadd:t3}
            {smove t3 t4 a} {srem:t3 new:t4 sadd:t4}
            {smove t3 t4 zz} {}
            {smove t3 t4 b} {srem:t3 del:t3 sadd:t4}
            {sadd t5 a b} {new:t5 sadd:t5}
            {sadd t6 c b} {new:t6 sadd:t6}
            {smove t5 t6 a} {srem:t5 sadd:t6}
            {smove t5 t6 b} {srem:t5 del:t5}
            {smove nosuch t6 b} {}
            {smove t6 t6 b} {}
            {smembers nosuch} {keymiss:nosuch}
            {scard nosuch} {keymiss:nosuch}
            {sismember nosuch a} {keymiss:nosuch}
            {smismember nosuch a} {keymiss:nosuch}
            {srandmember nosuch} {keymiss:nosuch}
            {sadd x1 a b c} {new:x1 sadd:x1}
            {sadd x2 b c d} {new:x2 sadd:x2}
            {sinter x1 x2} {}
            {sinter nosuch x2} {keymiss:nosuch}
            {sintercard 2 x1 nosuch} {keymiss:nosuch}
            {sunion x1 nosuch} {keymiss:nosuch}
            {sdiff x1 nosuch} {keymiss:nosuch}
            {sinterstore d1 x1 x2} {new:d1 sinterstore:d1}
            {sinterstore d1 x1 nosuch} {keymiss:nosuch del:d1}
            {sinterstore d1 x1 nosuch} {keymiss:nosuch}
            {sunionstore d2 x1 x2} {new:d2 sunionstore:d2}
            {sunionstore d2 nosuch1 nosuch2} {keymiss:nosuch1 keymiss:nosuch2 del:d2}
            {sdiffstore d3 x1 x2} {new:d3 sdiffstore:d3}
            {sdiffstore d3 x1 x1} {del:d3}
            {set str v} {new:str set:str}
            {sinterstore str x1 x2} {sinterstore:str}
            {sunionstore str x1 x2} {sunionstore:str}
            {sdiffstore str x1 x2} {sdiffstore:str}
        }
        $sub close
        r flushall
    }

    test {Sorted set commands: zadd/zincr, zrem, zremrangeby*, pops, STORE forms} {
        set sub [ev_sub]
        check_events $sub {
            {zadd z1 1 a 2 b} {new:z1 zadd:z1}
            {zadd z1 1 a} {}
            {zadd z1 3 a} {zadd:z1}
            {zadd z1 NX 5 a} {}
            {zadd z1 INCR 1 a} {zincr:z1}
            {zadd z1 XX 1 q} {}
            {zadd nosuch XX 1 q} {}
            {zadd z1 CH 9 b} {zadd:z1}
            {zincrby z1 1 a} {zincr:z1}
            {zincrby z2 1 a} {new:z2 zincr:z2}
            {zrem z1 nothere} {}
            {zrem z1 a} {zrem:z1}
            {zrem z1 b} {zrem:z1 del:z1}
            {zadd z3 1 a 2 b 3 c 4 d 5 e} {new:z3 zadd:z3}
            {zremrangebyscore z3 1 1} {zremrangebyscore:z3}
            {zremrangebyscore z3 100 200} {}
            {zremrangebyrank z3 0 0} {zremrangebyrank:z3}
            {zremrangebylex z3 [c [c} {zremrangebylex:z3}
            {zremrangebyrank z3 0 -1} {zremrangebyrank:z3 del:z3}
            {zadd z4 1 a 2 b 3 c} {new:z4 zadd:z4}
            {zpopmin z4} {zpopmin:z4}
            {zpopmax z4} {zpopmax:z4}
            {zpopmin z4 5} {zpopmin:z4 del:z4}
            {zpopmin nosuch} {}
            {zmpop 1 z4 MIN} {}
            {zadd z5 1 a 2 b} {new:z5 zadd:z5}
            {zmpop 2 nosuch z5 MAX COUNT 10} {zpopmax:z5 del:z5}
            {zadd z6 1 a 2 b 3 c} {new:z6 zadd:z6}
            {bzpopmin z6 0} {zpopmin:z6}
            {bzpopmax z6 0} {zpopmax:z6}
            {bzmpop 0 1 z6 MIN} {zpopmin:z6 del:z6}
            {zcard nosuch} {keymiss:nosuch}
            {zscore nosuch a} {keymiss:nosuch}
            {zrange nosuch 0 -1} {keymiss:nosuch}
            {zrangebyscore nosuch 0 1} {keymiss:nosuch}
            {zcount nosuch 0 1} {keymiss:nosuch}
            {zrandmember nosuch} {keymiss:nosuch}
            {zadd y1 1 a 2 b} {new:y1 zadd:y1}
            {zadd y2 1 b 2 c} {new:y2 zadd:y2}
            {zunionstore zd1 2 y1 y2} {new:zd1 zunionstore:zd1}
            {zunionstore zd1 1 nosuch} {keymiss:nosuch del:zd1}
            {zunionstore zd1 1 nosuch} {keymiss:nosuch}
            {zinterstore zd2 2 y1 y2} {new:zd2 zinterstore:zd2}
            {zinterstore zd2 2 y1 nosuch} {keymiss:nosuch del:zd2}
            {zdiffstore zd3 2 y1 y2} {new:zd3 zdiffstore:zd3}
            {zdiffstore zd3 2 y1 y1} {del:zd3}
            {zrangestore zd4 y1 0 -1} {new:zd4 zrangestore:zd4}
            {zrangestore zd4 y1 5 6} {del:zd4}
            {zrangestore zd4 y1 5 6} {}
            {zunion 2 y1 nosuch} {keymiss:nosuch}
            {zintercard 2 y1 nosuch} {keymiss:nosuch}
        }
        $sub close
        r flushall
    }

    test {Lazy expiry publishes expired (class x) before the command's own events} {
        set sub [ev_sub]
        r debug set-active-expire 0
        foreach k {e1 e2 e3 e4 e5 e6 e7} { r set $k v PX 1 }
        r sadd e8 a
        r pexpire e8 1
        kev $sub
        after 20
        check_events $sub {
            {get e1} {expired:e1 keymiss:e1}
            {set e2 w} {expired:e2 new:e2 set:e2}
            {lpush e3 a} {expired:e3 new:e3 lpush:e3}
            {exists e4} {expired:e4 keymiss:e4}
            {del e5} {expired:e5}
            {expire e6 100} {expired:e6}
            {rename e7 e9} {expired:e7}
            {sadd e8 b} {expired:e8 new:e8 sadd:e8}
        }
        r config set notify-keyspace-events Ex
        r set e10 v PX 1
        after 20
        r get e10
        assert_equal [kev $sub] {expired:e10}
        r config set notify-keyspace-events EAnm
        r debug set-active-expire 1
        $sub close
        r flushall
    }

    test {Active expiry publishes expired on both channels} {
        set sub [ev_sub]
        r config set notify-keyspace-events KEx
        r set ax v PX 30
        set seen {}
        set deadline [expr {[clock milliseconds] + 3000}]
        while {$seen eq {} && [clock milliseconds] < $deadline} {
            after 50
            set seen [kev $sub]
        }
        assert_equal $seen {K:ax:expired expired:ax}
        assert_equal [r exists ax] 0
        r config set notify-keyspace-events EAnm
        $sub close
    }

    test {Events of commands inside MULTI/EXEC arrive at EXEC, in order} {
        set sub [ev_sub]
        r multi
        r set mx 1
        r incr mx
        r lpush ml a
        r rpush q6 a b
        r blpop q6 0
        r lmove q6 q7 left left
        assert_equal [kev $sub] {}
        r exec
        assert_equal [kev $sub] [list new:mx set:mx incrby:mx new:ml lpush:ml new:q6 rpush:q6 \
                                     lpop:q6 new:q7 lpush:q7 lpop:q6 del:q6]
        $sub close
        r flushall
    }

    test {A blocked client served later publishes its pop events after the push} {
        set sub [ev_sub]
        set rd [redis_deferring_client]
        foreach {blocking push expected} {
            {blpop q1 5} {rpush q1 x} {new:q1 rpush:q1 lpop:q1 del:q1}
            {brpop q1 5} {rpush q1 x y} {new:q1 rpush:q1 rpop:q1}
            {blmove q2 q3 left right 5} {rpush q2 x} {new:q2 rpush:q2 new:q3 rpush:q3 lpop:q2 del:q2}
            {brpoplpush q4 q4 5} {rpush q4 x} {new:q4 rpush:q4 lpush:q4 rpop:q4}
            {blmpop 5 1 q5 left count 5} {rpush q5 x y} {new:q5 rpush:q5 lpop:q5 del:q5}
            {bzpopmin z1 5} {zadd z1 1 a} {new:z1 zadd:z1 zpopmin:z1 del:z1}
            {bzpopmax z1 5} {zadd z1 1 a 2 b} {new:z1 zadd:z1 zpopmax:z1}
            {bzmpop 5 1 z2 max count 5} {zadd z2 1 a 2 b} {new:z2 zadd:z2 zpopmax:z2 del:z2}
        } {
            r flushall
            kev $sub
            $rd {*}$blocking
            wait_for_condition 200 5 {[blocked_clients] == 1} "not blocked: $blocking"
            r {*}$push
            $rd read
            assert_equal [kev $sub] $expected "$blocking served by $push"
        }
        # Served from EXEC: both pushes first, then the pop.
        $rd blpop q8 5
        wait_for_condition 200 5 {[blocked_clients] == 1}
        r multi
        r rpush q8 a
        r rpush q8 b
        r exec
        assert_equal [$rd read] {q8 a}
        assert_equal [kev $sub] {new:q8 rpush:q8 rpush:q8 lpop:q8}
        $rd close
        $sub close
        r flushall
    }

    test {Notifications reach plain SUBSCRIBE and RESP3 subscribers with the exact frames} {
        r config set notify-keyspace-events KE$
        set s2 [redis_deferring_client]
        $s2 subscribe __keyevent@0__:set
        $s2 read
        set s3 [redis_deferring_client]
        $s3 hello 3
        $s3 read
        $s3 psubscribe __keyspace@0__:*
        $s3 read
        r set key val
        assert_equal [$s2 read_raw_reply] "*3\r\n\$7\r\nmessage\r\n\$18\r\n__keyevent@0__:set\r\n\$3\r\nkey\r\n"
        assert_equal [$s3 read_raw_reply] ">4\r\n\$8\r\npmessage\r\n\$16\r\n__keyspace@0__:*\r\n\$18\r\n__keyspace@0__:key\r\n\$3\r\nset\r\n"
        # A client's own PUBLISH to a keyspace channel is delivered like any other message.
        r publish __keyspace@0__:key x
        assert_equal [$s3 read_raw_reply] ">4\r\n\$8\r\npmessage\r\n\$16\r\n__keyspace@0__:*\r\n\$18\r\n__keyspace@0__:key\r\n\$1\r\nx\r\n"
        $s2 close
        $s3 close
        r config set notify-keyspace-events ""
        r flushall
    }

    test {RESP3: a client listening to its own keys gets pushes and replies in Redis's order} {
        r config set notify-keyspace-events {E$lhz}
        set c [redis_deferring_client]
        $c set_timeout 3000
        $c hello 3
        $c read
        $c psubscribe __keyevent@0__:*
        $c read
        proc push {ev key} {
            set ch __keyevent@0__:$ev
            return ">4\r\n\$8\r\npmessage\r\n\$16\r\n__keyevent@0__:*\r\n\$[string length $ch]\r\n$ch\r\n\$[string length $key]\r\n$key\r\n"
        }
        proc seen {c n} {
            set out ""
            for {set i 0} {$i < $n} {incr i} { append out [$c read_raw_reply] }
            return $out
        }
        # SET publishes before replying; LPUSH, LSET, HSET and ZADD reply first.
        $c raw [::resp::encode {set k v}]
        assert_equal [seen $c 2] "[push set k]+OK\r\n"
        $c raw [::resp::encode {lpush l a b}]
        assert_equal [seen $c 2] ":2\r\n[push lpush l]"
        $c raw [::resp::encode {lset l 0 x}]
        assert_equal [seen $c 2] "+OK\r\n[push lset l]"
        $c raw [::resp::encode {lpop l}]
        assert_equal [seen $c 2] "\$1\r\nx\r\n[push lpop l]"
        $c raw [::resp::encode {hset h f v}]
        assert_equal [seen $c 2] ":1\r\n[push hset h]"
        $c raw [::resp::encode {zadd z 1 a 2 b}]
        assert_equal [seen $c 2] ":2\r\n[push zadd z]"
        # ZPOP*: the event sits between the array header and the elements.
        $c raw [::resp::encode {zpopmin z}]
        assert_equal [seen $c 2] "*2\r\n[push zpopmin z]\$1\r\na\r\n,1\r\n"
        $c close
        r config set notify-keyspace-events ""
        r flushall
    }

    test {Long key names are published whole} {
        r config set notify-keyspace-events KEg
        set sub [ev_sub]
        set k [string repeat k 1000]
        r set $k v
        r del $k
        assert_equal [ev_drain $sub] [list [list __keyspace@0__:$k del] [list __keyevent@0__:del $k]]
        $sub close
        r config set notify-keyspace-events ""
    }
}
