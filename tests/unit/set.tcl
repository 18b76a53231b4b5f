# tests/unit/set.tcl: the set commands (SADD, SREM, membership, SMEMBERS, SPOP, SRANDMEMBER,
# SMOVE, the SINTER/SUNION/SDIFF families, SSCAN): replies in RESP2 and RESP3, errors, the
# intset -> hashtable switch at Redis 7.0's rules, WRONGTYPE, random replies by their
# properties, and a few big sets. Runs unchanged against redis-server 7.0.

# Fills key with the integers from..to (inclusive), in batches.
proc set_fill_ints {key from to} {
    set args {}
    for {set i $from} {$i <= $to} {incr i} {
        lappend args $i
        if {[llength $args] >= 500} { r sadd $key {*}$args; set args {} }
    }
    if {[llength $args]} { r sadd $key {*}$args }
}

# Fills key with n strings prefix0..prefix(n-1).
proc set_fill_strs {key n {prefix m}} {
    set args {}
    for {set i 0} {$i < $n} {incr i} {
        lappend args $prefix$i
        if {[llength $args] >= 500} { r sadd $key {*}$args; set args {} }
    }
    if {[llength $args]} { r sadd $key {*}$args }
}

# True if every element of list is distinct.
proc set_all_distinct {list} {
    return [expr {[llength [lsort -unique $list]] == [llength $list]}]
}

# True if every element of list is a member of key.
proc set_all_members {key list} {
    foreach e $list {
        if {![r sismember $key $e]} { return 0 }
    }
    return 1
}

with_server {tags {set}} {
    set wrongtype "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

    # ---- SADD / SREM / SCARD / SISMEMBER / SMISMEMBER ------------------------------------------

    test {SADD counts only new members} {
        r flushall
        assert_equal [r sadd s a b c] 3
        assert_equal [r sadd s a d d] 1
        assert_equal [r scard s] 4
        assert_equal [lsort [r smembers s]] {a b c d}
        assert_type set s
    }

    test {SADD of integers makes an intset, a string converts it to hashtable} {
        r del s
        r sadd s 3 1 2
        assert_encoding intset s
        assert_equal [r smembers s] {1 2 3}
        r sadd s a
        assert_encoding hashtable s
        assert_equal [lsort [r smembers s]] {1 2 3 a}
        r srem s a
        assert_encoding hashtable s
    }

    test {A set created from a non-integer first member is a hashtable} {
        r del s
        r sadd s a 1
        assert_encoding hashtable s
    }

    test {Only canonical integers fit an intset} {
        foreach v {01 -0 +1 { 1} {1 } 1.0 9223372036854775808 -9223372036854775809 0x10 {}} {
            r del s
            r sadd s $v
            assert_encoding hashtable s
            assert_equal [r smembers s] [list $v]
        }
        foreach v {0 -1 9223372036854775807 -9223372036854775808 32767 -32768 2147483648} {
            r del s
            r sadd s $v
            assert_encoding intset s
            assert_equal [r smembers s] [list $v]
        }
    }

    test {Intset widens from 16 to 32 to 64 bits and keeps order} {
        r del s
        r sadd s 5 -3 100
        r sadd s 70000
        r sadd s -70000
        r sadd s 5000000000 -5000000000
        r sadd s 7
        assert_encoding intset s
        assert_equal [r smembers s] {-5000000000 -70000 -3 5 7 100 70000 5000000000}
        assert_equal [r sismember s 70000] 1
        assert_equal [r sismember s 5000000000] 1
        assert_equal [r sismember s 5000000001] 0
        assert_equal [r srem s -70000 5 5000000000] 3
        assert_equal [r smembers s] {-5000000000 -3 7 100 70000}
    }

    test {Intset holds 512 members and converts at the 513th} {
        r del s
        set_fill_ints s 1 512
        assert_encoding intset s
        assert_equal [r scard s] 512
        r sadd s 512
        assert_encoding intset s
        r sadd s 513
        assert_encoding hashtable s
        assert_equal [r scard s] 513
        r srem s 513
        assert_encoding hashtable s
    }

    test {set-max-intset-entries moves the threshold} {
        r config set set-max-intset-entries 4
        r del s
        r sadd s 1 2 3 4
        assert_encoding intset s
        r sadd s 5
        assert_encoding hashtable s
        r config set set-max-intset-entries 0
        r del s
        r sadd s 1
        assert_encoding hashtable s
        r config set set-max-intset-entries 512
    }

    test {SADD SREM SISMEMBER on an intset with members that are not integers} {
        r del s
        r sadd s 1 2 3
        assert_equal [r sismember s a] 0
        assert_equal [r sismember s 01] 0
        assert_equal [r srem s a 01] 0
        assert_encoding intset s
    }

    test {Members are binary safe, the empty string included} {
        r del s
        assert_equal [r sadd s "" "a\r\nb" "\x00z"] 3
        assert_equal [r sismember s ""] 1
        assert_equal [r sismember s "a\r\nb"] 1
        assert_equal [r sismember s "\x00z"] 1
        assert_equal [r rawcmd smismember s "" x] "*2\r\n:1\r\n:0\r\n"
    }

    test {SREM counts removed members and deletes an emptied set} {
        r del s
        r sadd s a b c
        assert_equal [r srem s a x a] 1
        assert_equal [r srem s b c d] 2
        assert_equal [r exists s] 0
        assert_equal [r srem s a] 0
        assert_equal [r srem nokey a] 0
        r sadd s 1 2
        assert_equal [r srem s 1 2 3] 2
        assert_equal [r exists s] 0
    }

    test {SCARD SISMEMBER SMISMEMBER of a missing key} {
        assert_equal [r rawcmd scard nokey] ":0\r\n"
        assert_equal [r rawcmd sismember nokey a] ":0\r\n"
        assert_equal [r rawcmd smismember nokey a b] "*2\r\n:0\r\n:0\r\n"
    }

    test {SMISMEMBER answers each member in order} {
        r del s
        r sadd s a 1 c
        assert_equal [r smismember s a b 1 c 1] {1 0 1 1 1}
        r del s
        r sadd s 1 2
        assert_equal [r smismember s 2 3 1] {1 0 1}
    }

    test {Set commands on a string key are WRONGTYPE} {
        r set str x
        foreach cmd {
            {sadd str a} {srem str a} {scard str} {sismember str a} {smismember str a}
            {smembers str} {spop str} {spop str 2} {srandmember str} {srandmember str 2}
            {sinter str} {sintercard 1 str} {sunion str} {sdiff str} {sscan str 0}
            {sinterstore d str} {sunionstore d str} {sdiffstore d str}
        } {
            assert_equal [r rawcmd {*}$cmd] $wrongtype $cmd
        }
        assert_equal [r get str] x
    }

    test {Arity errors name the command} {
        assert_equal [r rawcmd sadd s] "-ERR wrong number of arguments for 'sadd' command\r\n"
        assert_equal [r rawcmd srem s] "-ERR wrong number of arguments for 'srem' command\r\n"
        assert_equal [r rawcmd smismember s] "-ERR wrong number of arguments for 'smismember' command\r\n"
        assert_equal [r rawcmd sismember s] "-ERR wrong number of arguments for 'sismember' command\r\n"
        assert_equal [r rawcmd smembers s x] "-ERR wrong number of arguments for 'smembers' command\r\n"
        assert_equal [r rawcmd smove a b] "-ERR wrong number of arguments for 'smove' command\r\n"
        assert_equal [r rawcmd sinterstore d] "-ERR wrong number of arguments for 'sinterstore' command\r\n"
        assert_equal [r rawcmd sintercard 1] "-ERR wrong number of arguments for 'sintercard' command\r\n"
        assert_equal [r rawcmd sscan s] "-ERR wrong number of arguments for 'sscan' command\r\n"
        assert_equal [r rawcmd sinter] "-ERR wrong number of arguments for 'sinter' command\r\n"
    }

    # ---- SMEMBERS and the algebra: reply types -------------------------------------------------

    test {SMEMBERS of an intset is sorted, a missing key is an empty set} {
        r del s
        r sadd s 10 -2 7
        assert_equal [r rawcmd smembers s] "*3\r\n\$2\r\n-2\r\n\$1\r\n7\r\n\$2\r\n10\r\n"
        assert_equal [r rawcmd smembers nokey] "*0\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd smembers s] "~3\r\n\$2\r\n-2\r\n\$1\r\n7\r\n\$2\r\n10\r\n"
        assert_equal [$c rawcmd smembers nokey] "~0\r\n"
        $c close
    }

    test {SINTER SUNION SDIFF reply sets in RESP3 and arrays in RESP2} {
        r del a b
        r sadd a 1 2 3
        r sadd b 2 3 4
        assert_equal [r rawcmd sinter a b] "*2\r\n\$1\r\n2\r\n\$1\r\n3\r\n"
        assert_equal [r rawcmd sunion a b] "*4\r\n\$1\r\n1\r\n\$1\r\n2\r\n\$1\r\n3\r\n\$1\r\n4\r\n"
        assert_equal [r rawcmd sdiff a b] "*1\r\n\$1\r\n1\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd sinter a b] "~2\r\n\$1\r\n2\r\n\$1\r\n3\r\n"
        assert_equal [$c rawcmd sunion a b] "~4\r\n\$1\r\n1\r\n\$1\r\n2\r\n\$1\r\n3\r\n\$1\r\n4\r\n"
        assert_equal [$c rawcmd sdiff a b] "~1\r\n\$1\r\n1\r\n"
        assert_equal [$c rawcmd sinter a nokey] "~0\r\n"
        assert_equal [$c rawcmd sunion nokey] "~0\r\n"
        assert_equal [$c rawcmd sdiff nokey a] "~0\r\n"
        assert_equal [$c rawcmd sintercard 2 a b] ":2\r\n"
        $c close
    }

    test {SINTER of strings and integers across encodings} {
        r del a b c
        r sadd a x y z 1 2
        r sadd b 1 2 3
        r sadd c y 2 1 x
        assert_equal [lsort [r sinter a b]] {1 2}
        assert_equal [lsort [r sinter a c]] {1 2 x y}
        assert_equal [lsort [r sinter a b c]] {1 2}
        assert_equal [lsort [r sinter a a]] {1 2 x y z}
        assert_equal [r sinter a nokey] {}
        assert_equal [r sinter nokey a] {}
    }

    test {SINTER with a missing key still type-checks the later keys} {
        r set str x
        r sadd a 1
        assert_equal [r rawcmd sinter nokey str] $wrongtype
        assert_equal [r rawcmd sinter a str] $wrongtype
        assert_equal [r rawcmd sunion nokey str] $wrongtype
        assert_equal [r rawcmd sdiff nokey str] $wrongtype
        assert_equal [r rawcmd sinterstore d nokey str] $wrongtype
        assert_equal [r rawcmd sintercard 2 nokey str] $wrongtype
    }

    test {SUNION and SDIFF across encodings, missing keys as empty sets} {
        r del a b c
        r sadd a 1 2 3 x
        r sadd b 3 4
        r sadd c x y
        assert_equal [lsort [r sunion a b c nokey]] {1 2 3 4 x y}
        assert_equal [lsort [r sdiff a b c]] {1 2}
        assert_equal [lsort [r sdiff a nokey]] {1 2 3 x}
        assert_equal [lsort [r sdiff a b nokey c]] {1 2}
        assert_equal [r sdiff a a] {}
        assert_equal [r sdiff a b a] {}
        assert_equal [r sdiff nokey a] {}
        assert_equal [lsort [r sdiff c a]] {y}
    }

    test {SDIFF of a big set minus small ones and a small set minus a big one} {
        r del big small
        set_fill_ints big 1 2000
        r sadd small 5 10 3000 x
        assert_equal [r scard big] 2000
        set d [r sdiff big small]
        assert_equal [llength $d] 1998
        assert_equal [lsearch $d 5] -1
        assert_equal [lsort [r sdiff small big]] {3000 x}
    }

    # ---- STORE forms ------------------------------------------------------------------------------

    test {SINTERSTORE SUNIONSTORE SDIFFSTORE reply the result size and store it} {
        r del a b d
        r sadd a 1 2 3
        r sadd b 2 3 4
        assert_equal [r sinterstore d a b] 2
        assert_equal [r smembers d] {2 3}
        assert_equal [r sunionstore d a b] 4
        assert_equal [r smembers d] {1 2 3 4}
        assert_equal [r sdiffstore d a b] 1
        assert_equal [r smembers d] {1}
        assert_equal [r sdiffstore d b a] 1
        assert_equal [r smembers d] {4}
    }

    test {STORE results are intsets whenever they can be} {
        r del a b c d
        set_fill_ints a 1 512
        r sadd b x 1
        r srem b x
        assert_encoding hashtable b
        assert_equal [r sinterstore d a b] 1
        assert_encoding intset d
        r sadd c 1 2 abc
        assert_equal [r sdiffstore d c b] 2
        assert_encoding hashtable d
        r sadd a 513
        assert_encoding hashtable a
        r srem a 513
        assert_equal [r sunionstore d a b] 512
        assert_encoding intset d
        assert_equal [r sunionstore d a b c] 513
        assert_encoding hashtable d
    }

    test {STORE replaces a key of any type and drops its TTL} {
        r del a d
        r sadd a 1 2
        r set d x
        r expire d 100
        assert_equal [r sunionstore d a] 2
        assert_type set d
        assert_equal [r ttl d] -1
        r expire d 100
        assert_equal [r sinterstore d a] 2
        assert_equal [r ttl d] -1
        r expire d 100
        assert_equal [r sdiffstore d a] 2
        assert_equal [r ttl d] -1
    }

    test {An empty STORE result deletes the destination and replies 0} {
        r del a d
        r sadd a 1 2
        r set d x
        assert_equal [r rawcmd sinterstore d a nokey] ":0\r\n"
        assert_equal [r exists d] 0
        r sadd d 1
        assert_equal [r sdiffstore d a a] 0
        assert_equal [r exists d] 0
        r sadd d 1
        assert_equal [r sunionstore d nokey] 0
        assert_equal [r exists d] 0
        assert_equal [r sdiffstore d nokey a] 0
        assert_equal [r exists d] 0
    }

    test {STORE into one of its own sources} {
        r del a b
        r sadd a 1 2 3
        r sadd b 2 3 x
        assert_equal [r sinterstore a a b] 2
        assert_equal [r smembers a] {2 3}
        assert_equal [r sunionstore b b a] 3
        assert_equal [lsort [r smembers b]] {2 3 x}
        assert_equal [r sdiffstore b b a] 1
        assert_equal [r smembers b] {x}
    }

    # ---- SINTERCARD ------------------------------------------------------------------------------

    test {SINTERCARD counts the intersection and stops at LIMIT} {
        r del a b
        set_fill_ints a 1 100
        set_fill_ints b 50 300
        assert_equal [r sintercard 2 a b] 51
        assert_equal [r sintercard 2 a b limit 10] 10
        assert_equal [r sintercard 2 a b limit 0] 51
        assert_equal [r sintercard 2 a b limit 1000] 51
        assert_equal [r sintercard 2 a b LIMIT 3 limit 5] 5
        assert_equal [r sintercard 1 a] 100
        assert_equal [r sintercard 2 a nokey] 0
        assert_equal [r sintercard 1 nokey] 0
    }

    test {SINTERCARD argument errors} {
        r del a
        r sadd a 1
        assert_equal [r rawcmd sintercard 0 a] "-ERR numkeys should be greater than 0\r\n"
        assert_equal [r rawcmd sintercard -1 a] "-ERR numkeys should be greater than 0\r\n"
        assert_equal [r rawcmd sintercard abc a] "-ERR numkeys should be greater than 0\r\n"
        assert_equal [r rawcmd sintercard 2 a] "-ERR Number of keys can't be greater than number of args\r\n"
        assert_equal [r rawcmd sintercard 9223372036854775807 a] "-ERR Number of keys can't be greater than number of args\r\n"
        assert_equal [r rawcmd sintercard 1 a limit] "-ERR syntax error\r\n"
        assert_equal [r rawcmd sintercard 1 a foo 1] "-ERR syntax error\r\n"
        assert_equal [r rawcmd sintercard 1 a limit -1] "-ERR LIMIT can't be negative\r\n"
        assert_equal [r rawcmd sintercard 1 a limit abc] "-ERR LIMIT can't be negative\r\n"
        r set str x
        assert_equal [r rawcmd sintercard 1 str limit -1] "-ERR LIMIT can't be negative\r\n"
    }

    # ---- SMOVE -----------------------------------------------------------------------------------

    test {SMOVE moves a member and creates the destination} {
        r del a b
        r sadd a 1 2 x
        assert_equal [r smove a b 1] 1
        assert_equal [lsort [r smembers a]] {2 x}
        assert_equal [r smembers b] {1}
        assert_encoding intset b
        assert_equal [r smove a b x] 1
        assert_encoding hashtable b
        assert_equal [r smove a b nosuch] 0
        assert_equal [r smove a b 2] 1
        assert_equal [r exists a] 0
        assert_equal [lsort [r smembers b]] {1 2 x}
    }

    test {SMOVE of a member the destination already has} {
        r del a b
        r sadd a 1 2
        r sadd b 1
        assert_equal [r smove a b 1] 1
        assert_equal [r smembers a] {2}
        assert_equal [r smembers b] {1}
    }

    test {SMOVE from a missing source is 0 whatever the destination; types are then checked} {
        r del a
        r set str x
        assert_equal [r rawcmd smove nokey str a] ":0\r\n"
        r sadd a 1
        assert_equal [r rawcmd smove a str 1] $wrongtype
        assert_equal [r rawcmd smove str a 1] $wrongtype
        assert_equal [r rawcmd smove a str 9] $wrongtype
        assert_equal [r smembers a] {1}
    }

    test {SMOVE within one set only tests membership} {
        r del a
        r sadd a 1 2
        assert_equal [r smove a a 1] 1
        assert_equal [r smove a a 9] 0
        assert_equal [r smembers a] {1 2}
    }

    # ---- SPOP ------------------------------------------------------------------------------------

    test {SPOP without count removes and returns one member, deleting the emptied set} {
        r del s
        r sadd s a b c
        set got {}
        lappend got [r spop s] [r spop s] [r spop s]
        assert_equal [lsort $got] {a b c}
        assert_equal [r exists s] 0
        assert_equal [r rawcmd spop s] "\$-1\r\n"
        r sadd s 5
        assert_equal [r rawcmd spop s] "\$1\r\n5\r\n"
        assert_equal [r exists s] 0
    }

    test {SPOP null and empty replies in RESP2 and RESP3} {
        r del s
        r sadd s 1 2 3
        assert_equal [r rawcmd spop nokey] "\$-1\r\n"
        assert_equal [r rawcmd spop nokey 2] "*0\r\n"
        assert_equal [r rawcmd spop s 0] "*0\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd spop nokey] "_\r\n"
        assert_equal [$c rawcmd spop nokey 2] "~0\r\n"
        assert_equal [$c rawcmd spop s 0] "~0\r\n"
        assert_match "~1\r\n\$1\r\n*" [$c rawcmd spop s 1]
        set rest [r smembers s]
        set want "~2\r\n"
        foreach m $rest { append want "\$1\r\n$m\r\n" }
        assert_equal [$c rawcmd spop s 5] $want
        $c close
        assert_equal [r exists s] 0
    }

    test {SPOP with count argument errors} {
        r del s
        r sadd s 1
        assert_equal [r rawcmd spop s 1 2] "-ERR syntax error\r\n"
        assert_equal [r rawcmd spop nokey 1 2] "-ERR syntax error\r\n"
        assert_equal [r rawcmd spop s -1] "-ERR value is out of range, must be positive\r\n"
        assert_equal [r rawcmd spop s abc] "-ERR value is out of range, must be positive\r\n"
        assert_equal [r rawcmd spop nokey -1] "-ERR value is out of range, must be positive\r\n"
        r set str x
        assert_equal [r rawcmd spop str abc] "-ERR value is out of range, must be positive\r\n"
        assert_equal [r rawcmd spop str 0] $wrongtype
        assert_equal [r scard s] 1
    }

    foreach {enc fill} {intset {set_fill_ints s 1 100} hashtable {set_fill_strs s 100}} {
        test "SPOP with count on a $enc returns distinct members it removed" {
            r del s
            eval $fill
            assert_encoding $enc s
            set all [r smembers s]
            set popped {}
            foreach n {1 5 30 50} {
                set got [r spop s $n]
                assert_equal [llength $got] $n
                lappend popped {*}$got
            }
            assert [set_all_distinct $popped]
            assert_equal [r scard s] 14
            foreach m $popped { assert_equal [r sismember s $m] 0 }
            set rest [r spop s 100]
            assert_equal [lsort [concat $popped $rest]] [lsort $all]
            assert_equal [r exists s] 0
        }
    }

    test {SPOP with a count close to the size rebuilds the survivors (intset again)} {
        r del s
        set_fill_ints s 1 1000
        assert_encoding hashtable s
        r expire s 100
        assert_equal [llength [r spop s 900]] 900
        assert_equal [r scard s] 100
        assert_encoding intset s
        assert_range [r ttl s] 90 100
        r del s
        set_fill_ints s 1 1000
        assert_equal [llength [r spop s 100]] 100
        assert_encoding hashtable s
        assert_equal [r scard s] 900
    }

    test {SPOP count on an intset set keeps the rest consistent} {
        r del s
        set_fill_ints s 1 20
        set got [r spop s 19]
        set left [r smembers s]
        assert_equal [llength $left] 1
        assert_encoding intset s
        set exp {}
        for {set i 1} {$i <= 20} {incr i} { lappend exp $i }
        assert_equal [lsort -integer [concat $got $left]] $exp
    }

    # ---- SRANDMEMBER -----------------------------------------------------------------------------

    test {SRANDMEMBER without count returns a member or null} {
        r del s
        r sadd s a b c
        for {set i 0} {$i < 20} {incr i} {
            assert [r sismember s [r srandmember s]]
        }
        assert_equal [r scard s] 3
        assert_equal [r rawcmd srandmember nokey] "\$-1\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd srandmember nokey] "_\r\n"
        $c close
    }

    test {SRANDMEMBER with count replies arrays in both protocols} {
        r del s
        r sadd s 1 2 3
        assert_equal [r rawcmd srandmember s 0] "*0\r\n"
        assert_equal [r rawcmd srandmember nokey 5] "*0\r\n"
        assert_equal [r rawcmd srandmember nokey -5] "*0\r\n"
        assert_equal [r rawcmd srandmember s 10] "*3\r\n\$1\r\n1\r\n\$1\r\n2\r\n\$1\r\n3\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd srandmember s 10] "*3\r\n\$1\r\n1\r\n\$1\r\n2\r\n\$1\r\n3\r\n"
        assert_match "\*2\r\n*" [$c rawcmd srandmember s 2]
        assert_match "\*5\r\n*" [$c rawcmd srandmember s -5]
        assert_equal [$c rawcmd srandmember nokey 3] "*0\r\n"
        $c close
    }

    test {SRANDMEMBER argument errors} {
        r del s
        r sadd s 1
        assert_equal [r rawcmd srandmember s 1 2] "-ERR syntax error\r\n"
        assert_equal [r rawcmd srandmember s abc] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd srandmember s -9223372036854775808] "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"
        assert_equal [r rawcmd srandmember nokey -9223372036854775808] "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"
    }

    foreach {enc fill} {intset {set_fill_ints s 1 200} hashtable {set_fill_strs s 200}} {
        test "SRANDMEMBER positive count on a $enc gives distinct members" {
            r del s
            eval $fill
            assert_encoding $enc s
            foreach n {1 10 60 67 150 199 200 500} {
                set got [r srandmember s $n]
                set want [expr {$n > 200 ? 200 : $n}]
                assert_equal [llength $got] $want
                assert [set_all_distinct $got]
                assert [set_all_members s $got]
            }
            assert_equal [r scard s] 200
        }

        test "SRANDMEMBER negative count on a $enc gives that many picks, repeats allowed" {
            set got [r srandmember s -1000]
            assert_equal [llength $got] 1000
            assert [set_all_members s [lsort -unique $got]]
            # 1000 picks from 200 members: nearly all members show up
            assert_morethan [llength [lsort -unique $got]] 150
        }
    }

    test {SRANDMEMBER distribution covers every member} {
        r del s
        r sadd s a b c d e
        set seen {}
        for {set i 0} {$i < 100} {incr i} { dict incr seen [r srandmember s] }
        assert_equal [lsort [dict keys $seen]] {a b c d e}
    }

    # ---- SSCAN -----------------------------------------------------------------------------------

    test {SSCAN of an intset returns everything at once with cursor 0} {
        r del s
        set_fill_ints s 1 300
        set res [r sscan s 0 count 5]
        assert_equal [lindex $res 0] 0
        assert_equal [llength [lindex $res 1]] 300
        assert_equal [r sscan s 0 match 1*] [list 0 [lsearch -all -inline [lsort -integer [r smembers s]] 1*]]
        assert_equal [r sscan s -1] [list 0 [r smembers s]]
    }

    test {SSCAN of a hashtable walks every member once over several calls} {
        r del s
        set_fill_strs s 1000
        set cursor 0
        set got {}
        set calls 0
        while 1 {
            lassign [r sscan s $cursor count 20] cursor items
            lappend got {*}$items
            incr calls
            if {$cursor == 0} break
        }
        assert_morethan $calls 10
        assert_equal [llength [lsort -unique $got]] 1000
        assert_equal [lsort -unique $got] [lsort [r smembers s]]
    }

    test {SSCAN MATCH filters a hashtable} {
        set cursor 0
        set got {}
        while 1 {
            lassign [r sscan s $cursor match m1?? count 100] cursor items
            lappend got {*}$items
            if {$cursor == 0} break
        }
        assert_equal [lsort -unique $got] [lsort [lsearch -all -inline [r smembers s] m1??]]
        assert_equal [llength [lsort -unique $got]] 100
    }

    test {SSCAN errors and a missing key} {
        r del s
        r sadd s 1 2
        assert_equal [r rawcmd sscan s abc] "-ERR invalid cursor\r\n"
        assert_equal [r rawcmd sscan s 0 count 0] "-ERR syntax error\r\n"
        assert_equal [r rawcmd sscan s 0 count abc] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd sscan s 0 match] "-ERR syntax error\r\n"
        assert_equal [r rawcmd sscan s 0 type string] "-ERR syntax error\r\n"
        assert_equal [r rawcmd sscan nokey 0 foo] "*2\r\n\$1\r\n0\r\n*0\r\n"
        assert_equal [r rawcmd sscan s 0] "*2\r\n\$1\r\n0\r\n*2\r\n\$1\r\n1\r\n\$1\r\n2\r\n"
    }

    # ---- keyspace interplay and big sets ---------------------------------------------------------

    test {COPY and OBJECT ENCODING of sets in both encodings} {
        r del a b
        r sadd a 1 2 3
        r copy a b
        assert_encoding intset b
        r sadd b 4
        assert_equal [r smembers a] {1 2 3}
        r del a b
        r sadd a x y
        r copy a b
        assert_encoding hashtable b
        r srem b x
        assert_equal [lsort [r smembers a]] {x y}
        assert_equal [r smembers b] {y}
    }

    test {SADD to an expired set starts a new one} {
        r del s
        r sadd s a b
        r pexpire s 1
        after 5
        assert_equal [r sadd s c] 1
        assert_equal [r smembers s] {c}
        assert_equal [r ttl s] -1
    }

    test {A 20000-member set: cardinality, membership, removal} {
        r del big
        set_fill_strs big 20000
        assert_equal [r scard big] 20000
        assert_equal [r sismember big m19999] 1
        assert_equal [r sismember big m20000] 0
        assert_equal [r smismember big m0 m5 x] {1 1 0}
        assert_equal [llength [r smembers big]] 20000
        set args {}
        for {set i 0} {$i < 10000} {incr i} { lappend args m$i }
        assert_equal [r srem big {*}$args] 10000
        assert_equal [r scard big] 10000
        assert_equal [r sintercard 2 big big limit 7] 7
        assert_equal [llength [r spop big 9990]] 9990
        assert_equal [r scard big] 10
        r del big
    }

    test {A 20000-integer union, intersection and difference} {
        r del a b d
        set_fill_ints a 1 12000
        set_fill_ints b 8001 20000
        assert_equal [r sunionstore d a b] 20000
        assert_equal [r sinterstore d a b] 4000
        assert_equal [r sdiffstore d a b] 8000
        assert_equal [r sintercard 2 a b] 4000
        assert_equal [r sismember d 8000] 1
        assert_equal [r sismember d 8001] 0
        r del a b d
    }

    test_if_command multi {SADD on a watched key aborts the transaction} {
        r del s
        r sadd s a
        set c [redis_client]
        $c watch s
        r sadd s b
        $c multi
        $c ping
        assert_equal [$c exec] {}
        $c close
    }
}
