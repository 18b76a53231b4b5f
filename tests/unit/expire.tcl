# tests/unit/expire.tcl: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX XX GT LT, TTL/PTTL,
# EXPIRETIME/PEXPIRETIME, PERSIST, and keys going away lazily and actively.

# Runs test NAME only if the server knows command CMD, else counts it as skipped: lists
# and MULTI/WATCH arrive in later milestones.
proc expire_test_if {cmd name body} {
    if {[catch {r command info $cmd} info] || [lindex $info 0] eq {}} {
        incr ::kvd::skipped
        return
    }
    uplevel 1 [list test $name $body]
}

with_server {tags {expire}} {
    test {EXPIRE sets a TTL that TTL and PTTL report} {
        r set k v
        assert_equal [r expire k 100] 1
        assert_range [r ttl k] 99 100
        assert_range [r pttl k] 99000 100000
        assert_equal [r get k] v
    }

    test {TTL and PTTL are -2 for a missing key and -1 without a TTL} {
        r del k
        assert_equal [r ttl k] -2
        assert_equal [r pttl k] -2
        r set k v
        assert_equal [r ttl k] -1
        assert_equal [r pttl k] -1
        assert_equal [r rawcmd ttl k] ":-1\r\n"
    }

    test {TTL rounds to the nearest second} {
        r set k v
        r pexpire k 1700
        assert_equal [r ttl k] 2
        r pexpire k 1300
        assert_equal [r ttl k] 1
        r pexpire k 400
        assert_equal [r ttl k] 0
    }

    test {PEXPIRE, EXPIREAT and PEXPIREAT} {
        r set k v
        assert_equal [r pexpire k 100000] 1
        assert_range [r pttl k] 99000 100000
        set at [expr {[clock seconds] + 1000}]
        assert_equal [r expireat k $at] 1
        assert_equal [r expiretime k] $at
        assert_equal [r pexpiretime k] [expr {$at * 1000}]
        set pat [expr {[clock milliseconds] + 2000000}]
        assert_equal [r pexpireat k $pat] 1
        assert_equal [r pexpiretime k] $pat
        assert_range [r ttl k] 1999 2000
    }

    test {EXPIRETIME rounds to the nearest second; both are -2 / -1 like TTL} {
        r set k v
        r pexpireat k 10000000001500
        assert_equal [r expiretime k] 10000000002
        r pexpireat k 10000000001499
        assert_equal [r expiretime k] 10000000001
        assert_equal [r pexpiretime k] 10000000001499
        r persist k
        assert_equal [r expiretime k] -1
        assert_equal [r pexpiretime k] -1
        r del k
        assert_equal [r expiretime k] -2
        assert_equal [r pexpiretime k] -2
    }

    test {PEXPIREAT at the largest time is accepted and reported without overflow} {
        r set k v
        assert_equal [r pexpireat k 9223372036854775807] 1
        assert_equal [r pexpiretime k] 9223372036854775807
        assert_equal [r expiretime k] 9223372036854776
        assert_equal [r expireat k 9223372036854775] 1
        assert_equal [r pexpiretime k] 9223372036854775000
    }

    test {EXPIRE on a missing key replies 0} {
        r del k
        assert_equal [r expire k 100] 0
        assert_equal [r pexpire k 100] 0
        assert_equal [r expireat k 1] 0
        assert_equal [r pexpireat k 1] 0
        assert_equal [r exists k] 0
    }

    test {EXPIRE with a time not in the future deletes the key and replies 1} {
        foreach cmd {{expire k 0} {expire k -1} {pexpire k -100} {expireat k 1} {pexpireat k 1}
                     {pexpire k -9223372036854775808}} {
            r set k v
            assert_equal [r {*}$cmd] 1 $cmd
            assert_equal [r exists k] 0 $cmd
        }
    }

    test {EXPIRE replaces an existing TTL; SET clears it} {
        r set k v
        r expire k 100
        r expire k 200
        assert_range [r ttl k] 199 200
        r set k v2
        assert_equal [r ttl k] -1
    }

    test {EXPIRE NX sets only when there is no TTL} {
        r set k v
        assert_equal [r expire k 100 nx] 1
        assert_equal [r expire k 200 nx] 0
        assert_range [r ttl k] 99 100
    }

    test {EXPIRE XX sets only when there is a TTL} {
        r set k v
        assert_equal [r expire k 100 xx] 0
        assert_equal [r ttl k] -1
        r expire k 100
        assert_equal [r expire k 200 xx] 1
        assert_range [r ttl k] 199 200
    }

    test {EXPIRE GT: only a later time wins, and no TTL counts as infinite} {
        r set k v
        assert_equal [r expire k 100 gt] 0
        assert_equal [r ttl k] -1
        r expire k 100
        assert_equal [r expire k 50 gt] 0
        assert_equal [r expire k 99 gt] 0
        assert_equal [r expire k 200 gt] 1
        assert_range [r ttl k] 199 200
    }

    test {EXPIRE LT: only an earlier time wins, and any time beats no TTL} {
        r set k v
        assert_equal [r expire k 100 lt] 1
        assert_range [r ttl k] 99 100
        assert_equal [r expire k 200 lt] 0
        assert_equal [r expire k 50 lt] 1
        assert_range [r ttl k] 49 50
    }

    test {EXPIRE XX GT and XX LT combine} {
        r set k v
        assert_equal [r expire k 100 xx gt] 0
        r expire k 100
        assert_equal [r expire k 200 xx gt] 1
        assert_equal [r expire k 300 xx lt] 0
        assert_equal [r expire k 150 XX LT] 1
        assert_range [r ttl k] 149 150
    }

    test {EXPIRE LT with a past time deletes the key} {
        r set k v ex 100
        assert_equal [r expire k -1 lt] 1
        assert_equal [r exists k] 0
    }

    test {EXPIRE option combination errors} {
        r set k v
        foreach opts {{nx xx} {nx gt} {nx lt} {xx nx} {gt nx}} {
            assert_equal [r rawcmd expire k 100 {*}$opts] \
                "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n" $opts
        }
        assert_equal [r rawcmd pexpire k 100 gt lt] \
            "-ERR GT and LT options at the same time are not compatible\r\n"
        assert_equal [r rawcmd expire k 100 nx nx] ":1\r\n"
        assert_equal [r rawcmd expire k 100 xx xx] ":1\r\n"
    }

    test {EXPIRE with an unknown option names it} {
        r set k v
        assert_equal [r rawcmd expire k 100 foo] "-ERR Unsupported option foo\r\n"
        assert_equal [r rawcmd expireat k 100 nx bar] "-ERR Unsupported option bar\r\n"
        assert_equal [r rawcmd expire k abc foo] "-ERR Unsupported option foo\r\n"
        assert_equal [r rawcmd expire k 100 nx xx foo] "-ERR Unsupported option foo\r\n"
        assert_equal [r ttl k] -1
    }

    test {EXPIRE with a non-integer time is not an integer} {
        r set k v
        assert_equal [r rawcmd expire k abc] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd pexpire k 1.5] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd expire k 100 nx xx] \
            "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"
    }

    test {EXPIRE family overflow is an invalid expire time naming the command} {
        r set k v
        assert_equal [r rawcmd expire k 9223372036854776] "-ERR invalid expire time in 'expire' command\r\n"
        assert_equal [r rawcmd expire k -9223372036854776] "-ERR invalid expire time in 'expire' command\r\n"
        assert_equal [r rawcmd expire k 9223372036854775] "-ERR invalid expire time in 'expire' command\r\n"
        assert_equal [r rawcmd pexpire k 9223372036854775807] "-ERR invalid expire time in 'pexpire' command\r\n"
        assert_equal [r rawcmd expireat k 9223372036854776] "-ERR invalid expire time in 'expireat' command\r\n"
        assert_equal [r rawcmd expireat nokey 9223372036854776] "-ERR invalid expire time in 'expireat' command\r\n"
        assert_equal [r ttl k] -1
    }

    test {PERSIST removes a TTL: 1, then 0; 0 for a missing key} {
        r set k v ex 100
        assert_equal [r persist k] 1
        assert_equal [r ttl k] -1
        assert_equal [r persist k] 0
        r del k
        assert_equal [r persist k] 0
    }

    expire_test_if rpush {TTL works on every type} {
        r del l
        r rpush l a
        assert_equal [r expire l 100] 1
        assert_range [r ttl l] 99 100
        assert_equal [r persist l] 1
    }

    test {a key reads as absent once its TTL has passed} {
        r set k v px 50
        after 80
        assert_equal [r get k] {}
        assert_equal [r ttl k] -2
        assert_equal [r exists k] 0
    }

    test {an expired key is removed lazily when accessed} {
        r flushall
        r debug set-active-expire 0
        r set k v px 30
        r set other v
        after 60
        # nothing touched k yet: it is still counted
        assert_equal [r dbsize] 2
        assert_equal [r get k] {}
        assert_equal [r dbsize] 1
        r debug set-active-expire 1
    }

    test {active expiry reclaims keys nobody touches} {
        r flushall
        for {set i 0} {$i < 50} {incr i} {
            r set "vol:$i" v px 50
        }
        r set keep v
        assert_equal [r dbsize] 51
        wait_for_condition 100 50 {[r dbsize] == 1}
        assert_equal [r get keep] v
        assert_morethan [info_field [r info stats] expired_keys] 0
    }

    expire_test_if watch {EXPIRE on a watched key aborts the transaction} {
        r set w v
        r watch w
        set c [redis_client]
        $c expire w 100
        $c close
        r multi
        r get w
        assert_equal [r exec] {}
    }

    expire_test_if watch {APPEND on a watched key aborts the transaction} {
        r set w v
        r watch w
        set c [redis_client]
        $c append w x
        $c close
        r multi
        r get w
        assert_equal [r exec] {}
    }

    test {expire commands count as changes since the last save} {
        r set k v
        set before [info_field [r info persistence] rdb_changes_since_last_save]
        r expire k 100
        r persist k
        r persist k
        r expire nokey 10
        r expire k 0
        set after [info_field [r info persistence] rdb_changes_since_last_save]
        assert_equal [expr {$after - $before}] 3
    }
}
