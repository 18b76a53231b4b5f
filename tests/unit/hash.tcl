# tests/unit/hash.tcl: the hash commands (HSET family, reads, HDEL, counters, HRANDFIELD,
# HSCAN): replies in RESP2 and RESP3, errors, the listpack -> hashtable switch at Redis 7.0's
# thresholds, WRONGTYPE, and a few big hashes. Runs unchanged against redis-server 7.0.

# Sorted flat field/value list of a hash, for comparisons independent of storage order.
proc hash_sorted {key} {
    set out {}
    foreach {f v} [r hgetall $key] { lappend out [list $f $v] }
    return [lsort $out]
}

# Fills key with n fields f0..f(n-1) whose values are v0..v(n-1), in batches.
proc hash_fill {key n {prefix f}} {
    set args {}
    for {set i 0} {$i < $n} {incr i} {
        lappend args $prefix$i v$i
        if {[llength $args] >= 200} { r hset $key {*}$args; set args {} }
    }
    if {[llength $args]} { r hset $key {*}$args }
}

with_server {tags {hash}} {
    set wrongtype "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

    # ---- HSET / HMSET / HSETNX / HGET --------------------------------------------------------

    test {HSET counts only new fields and overwrites existing ones} {
        r flushall
        assert_equal [r hset h a 1 b 2] 2
        assert_equal [r hset h a 10 c 3] 1
        assert_equal [r hget h a] 10
        assert_equal [r hlen h] 3
        assert_equal [r hset h a 11 a 12] 0
        assert_equal [r hget h a] 12
    }

    test {HSET with an odd number of arguments is an arity error naming the command} {
        assert_equal [r rawcmd hset h a] "-ERR wrong number of arguments for 'hset' command\r\n"
        assert_equal [r rawcmd hset h a 1 b] "-ERR wrong number of arguments for 'hset' command\r\n"
        assert_equal [r rawcmd hmset h a 1 b] "-ERR wrong number of arguments for 'hmset' command\r\n"
        assert_equal [r rawcmd hmset h a] "-ERR wrong number of arguments for 'hmset' command\r\n"
        assert_equal [r exists nosuch] 0
        assert_equal [r rawcmd hset nosuch a] "-ERR wrong number of arguments for 'hset' command\r\n"
        assert_equal [r exists nosuch] 0
    }

    test {HMSET replies OK and sets every pair} {
        r del h
        assert_equal [r rawcmd hmset h a 1 b 2] "+OK\r\n"
        assert_equal [r hmget h a b] {1 2}
    }

    test {HSETNX sets only a missing field} {
        r del h
        assert_equal [r hsetnx h a 1] 1
        assert_equal [r hsetnx h a 2] 0
        assert_equal [r hget h a] 1
        assert_equal [r hsetnx h b 2] 1
        assert_equal [r hlen h] 2
    }

    test {HGET of a missing field or key is null in RESP2 and RESP3} {
        r del h
        r hset h a 1
        assert_equal [r rawcmd hget h nofield] "\$-1\r\n"
        assert_equal [r rawcmd hget nokey a] "\$-1\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd hget h nofield] "_\r\n"
        assert_equal [$c rawcmd hget nokey a] "_\r\n"
        $c close
    }

    test {Hash fields and values are binary safe, empty ones included} {
        r del h
        set v "a\x00b\r\nc\xff"
        r hset h $v $v "" ""
        assert_equal [r hget h $v] $v
        assert_equal [r rawcmd hget h ""] "\$0\r\n\r\n"
        assert_equal [r hexists h ""] 1
        assert_equal [r hstrlen h $v] 7
    }

    test {Integer-looking values keep their exact text} {
        r del h
        r hset h a 007 b -0 c 1 d -9223372036854775808 e 9223372036854775807 f 18446744073709551616 g " 1"
        assert_equal [r hmget h a b c d e f g] {007 -0 1 -9223372036854775808 9223372036854775807 18446744073709551616 { 1}}
        assert_equal [r hstrlen h d] 20
    }

    # ---- HMGET / HLEN / HSTRLEN / HEXISTS ------------------------------------------------------

    test {HMGET returns nulls for missing fields and for a missing key} {
        r del h
        r hset h a 1 b 2
        assert_equal [r rawcmd hmget h a x b] "*3\r\n\$1\r\n1\r\n\$-1\r\n\$1\r\n2\r\n"
        assert_equal [r rawcmd hmget nokey a b] "*2\r\n\$-1\r\n\$-1\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd hmget h a x] "*2\r\n\$1\r\n1\r\n_\r\n"
        $c close
    }

    test {HLEN, HSTRLEN and HEXISTS on present and missing fields and keys} {
        r del h
        r hset h a hello b 12345 c ""
        assert_equal [r hlen h] 3
        assert_equal [r hlen nokey] 0
        assert_equal [r hstrlen h a] 5
        assert_equal [r hstrlen h b] 5
        assert_equal [r hstrlen h c] 0
        assert_equal [r hstrlen h x] 0
        assert_equal [r hstrlen nokey x] 0
        assert_equal [r hexists h a] 1
        assert_equal [r hexists h x] 0
        assert_equal [r hexists nokey a] 0
    }

    # ---- HKEYS / HVALS / HGETALL -------------------------------------------------------------

    test {HKEYS, HVALS and HGETALL keep insertion order while listpack-encoded} {
        r del h
        r hset h z 1 a 2 m 3
        assert_equal [r hkeys h] {z a m}
        assert_equal [r hvals h] {1 2 3}
        assert_equal [r hgetall h] {z 1 a 2 m 3}
    }

    test {HGETALL is a flat array in RESP2 and a map in RESP3; HKEYS/HVALS stay arrays} {
        r del h
        r hset h a 1
        assert_equal [r rawcmd hgetall h] "*2\r\n\$1\r\na\r\n\$1\r\n1\r\n"
        assert_equal [r rawcmd hgetall nokey] "*0\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd hgetall h] "%1\r\n\$1\r\na\r\n\$1\r\n1\r\n"
        assert_equal [$c rawcmd hgetall nokey] "%0\r\n"
        assert_equal [$c rawcmd hkeys h] "*1\r\n\$1\r\na\r\n"
        assert_equal [$c rawcmd hvals h] "*1\r\n\$1\r\n1\r\n"
        assert_equal [$c rawcmd hkeys nokey] "*0\r\n"
        assert_equal [$c rawcmd hvals nokey] "*0\r\n"
        $c close
    }

    # ---- HDEL ---------------------------------------------------------------------------------

    test {HDEL counts removed fields, ignores missing and repeated ones} {
        r del h
        r hset h a 1 b 2 c 3
        assert_equal [r hdel h a x a] 1
        assert_equal [r hdel h x] 0
        assert_equal [r hdel nokey a] 0
        assert_equal [lsort [r hkeys h]] {b c}
    }

    test {HDEL of the last field deletes the key} {
        r del h
        r hset h a 1 b 2
        assert_equal [r hdel h a b x] 2
        assert_equal [r exists h] 0
        hash_fill big 600
        assert_encoding hashtable big
        set fields {}
        for {set i 0} {$i < 600} {incr i} { lappend fields f$i }
        assert_equal [r hdel big {*}$fields] 600
        assert_equal [r exists big] 0
    }

    # ---- HINCRBY / HINCRBYFLOAT ----------------------------------------------------------------

    test {HINCRBY creates the key and field, adds, and replies the integer} {
        r del h
        assert_equal [r hincrby h n 5] 5
        assert_equal [r hincrby h n -7] -2
        assert_equal [r rawcmd hincrby h n 0] ":-2\r\n"
        assert_equal [r hget h n] -2
        r hset h big 9223372036854775806
        assert_equal [r hincrby h big 1] 9223372036854775807
    }

    test {HINCRBY errors: bad increment, non-integer value, overflow} {
        r del h
        r hset h s x f 1.5 sp " 1" z 010 max 9223372036854775807 min -9223372036854775808
        assert_equal [r rawcmd hincrby h s 1] "-ERR hash value is not an integer\r\n"
        assert_equal [r rawcmd hincrby h f 1] "-ERR hash value is not an integer\r\n"
        assert_equal [r rawcmd hincrby h sp 1] "-ERR hash value is not an integer\r\n"
        assert_equal [r rawcmd hincrby h z 1] "-ERR hash value is not an integer\r\n"
        assert_equal [r rawcmd hincrby h n x] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd hincrby h n 1.0] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd hincrby h max 1] "-ERR increment or decrement would overflow\r\n"
        assert_equal [r rawcmd hincrby h min -1] "-ERR increment or decrement would overflow\r\n"
        assert_equal [r hget h max] 9223372036854775807
        assert_equal [r hexists h n] 0
        r set str x
        assert_equal [r rawcmd hincrby str f x] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd hincrby str f 1] $wrongtype
    }

    test {HINCRBYFLOAT adds and formats like Redis (long double, trailing zeros removed)} {
        r del h
        assert_equal [r hincrbyfloat h x 10.5] 10.5
        assert_equal [r hincrbyfloat h x 0.1] 10.6
        r hset h i 5 e 1e3 z 010
        assert_equal [r hincrbyfloat h i 0.25] 5.25
        assert_equal [r hincrbyfloat h e 1] 1001
        assert_equal [r hincrbyfloat h z 1] 11
        assert_equal [r hincrbyfloat h n 3.0e3] 3000
        assert_equal [r hincrbyfloat h tiny 1e-20] 0
        assert_equal [r hincrbyfloat h neg -1.5] -1.5
        set huge [r hincrbyfloat h huge 1e308]
        assert_equal [string length $huge] 308
        assert_match {999999999999999999966858796558456456605600998474155672077970479949217348688380618721001269218885393204467472250540132231*} $huge
    }

    test {HINCRBYFLOAT errors: bad increment, NaN or Infinity, non-float value} {
        r del h
        r hset h s x sp " 1" max 1e308
        assert_equal [r rawcmd hincrbyfloat h s 1] "-ERR hash value is not a float\r\n"
        assert_equal [r rawcmd hincrbyfloat h sp 1] "-ERR hash value is not a float\r\n"
        assert_equal [r rawcmd hincrbyfloat h n x] "-ERR value is not a valid float\r\n"
        assert_equal [r rawcmd hincrbyfloat h n nan] "-ERR value is not a valid float\r\n"
        assert_equal [r rawcmd hincrbyfloat h n " 1"] "-ERR value is not a valid float\r\n"
        assert_equal [r rawcmd hincrbyfloat h n inf] "-ERR value is NaN or Infinity\r\n"
        assert_equal [r rawcmd hincrbyfloat h n -inf] "-ERR value is NaN or Infinity\r\n"
        assert_equal [r hexists h n] 0
        r set str x
        assert_equal [r rawcmd hincrbyfloat str f inf] "-ERR value is NaN or Infinity\r\n"
        assert_equal [r rawcmd hincrbyfloat str f 1] $wrongtype
    }

    test {HINCRBYFLOAT reply is a bulk string in RESP2 and RESP3} {
        r del h
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd hincrbyfloat h f 1.5] "\$3\r\n1.5\r\n"
        $c close
    }

    # ---- WRONGTYPE ---------------------------------------------------------------------------

    test {Every hash command on a string key is WRONGTYPE} {
        r set s x
        foreach cmd {
            {hset s a 1} {hmset s a 1} {hsetnx s a 1} {hget s a} {hmget s a} {hdel s a} {hlen s}
            {hstrlen s a} {hexists s a} {hkeys s} {hvals s} {hgetall s} {hincrby s a 1}
            {hincrbyfloat s a 1} {hrandfield s} {hrandfield s 2} {hrandfield s -2 withvalues}
            {hscan s 0}
        } {
            assert_equal [r rawcmd {*}$cmd] $wrongtype "$cmd"
        }
        assert_equal [r get s] x
    }

    test {TYPE of a hash is hash; string commands on it are WRONGTYPE} {
        r del h
        r hset h a 1
        assert_equal [r type h] hash
        assert_equal [r rawcmd get h] $wrongtype
    }

    # ---- encodings -----------------------------------------------------------------------------

    test {A hash stays listpack up to 512 fields and turns hashtable at 513} {
        r del h
        hash_fill h 512
        assert_encoding listpack h
        r hset h f511 again
        assert_encoding listpack h
        r hset h extra 1
        assert_encoding hashtable h
        assert_equal [r hlen h] 513
        assert_equal [r hget h f7] v7
        assert_equal [r hget h f511] again
    }

    test {A field or value longer than 64 bytes converts; exactly 64 does not} {
        set s64 [string repeat x 64]
        set s65 [string repeat x 65]
        r del a b c
        r hset a $s64 $s64
        assert_encoding listpack a
        r hset a k $s65
        assert_encoding hashtable a
        r hset b $s65 v
        assert_encoding hashtable b
        r hmset c k v
        r hmset c k $s65
        assert_encoding hashtable c
        assert_equal [r hget a k] $s65
    }

    test {Converting never goes back, even when the hash shrinks} {
        r del h
        r hset h k [string repeat x 100]
        r hdel h k
        assert_equal [r exists h] 0
        r hset h k [string repeat x 100] a 1
        r hdel h k
        assert_encoding hashtable h
        r hset h b 2
        assert_encoding hashtable h
    }

    test {HSETNX converts only when it sets: a refused long value leaves listpack} {
        set s65 [string repeat x 65]
        r del h
        r hset h f v
        assert_equal [r hsetnx h f $s65] 0
        assert_encoding listpack h
        assert_equal [r hget h f] v
        r del h2
        r hset h2 f v
        assert_equal [r hsetnx h2 $s65 v] 1
        assert_encoding hashtable h2
    }

    test {Reading with a long field does not convert} {
        set s65 [string repeat x 65]
        r del h
        r hset h f v
        assert_equal [r hget h $s65] {}
        assert_equal [r hexists h $s65] 0
        assert_equal [r hdel h $s65] 0
        assert_encoding listpack h
    }

    test {HINCRBY and HINCRBYFLOAT convert on a long field or a long result} {
        set s65 [string repeat x 65]
        r del h1 h2 h3
        r hset h1 f v
        r hincrby h1 $s65 1
        assert_encoding hashtable h1
        r hset h2 f v
        r hincrbyfloat h2 $s65 1.5
        assert_encoding hashtable h2
        r config set hash-max-listpack-value 3
        r hset h3 f 1
        assert_encoding listpack h3
        assert_equal [r hincrby h3 f 10000] 10001
        assert_encoding hashtable h3
        r config set hash-max-listpack-value 64
    }

    test {hash-max-listpack-entries and -value are honoured when changed} {
        r config set hash-max-listpack-entries 4
        r del h
        r hset h a 1 b 2 c 3 d 4
        assert_encoding listpack h
        r hset h e 5
        assert_encoding hashtable h
        r config set hash-max-listpack-entries 0
        r del h
        r hset h a 1
        assert_encoding hashtable h
        r config set hash-max-listpack-entries 512
        r config set hash-max-ziplist-value 2
        r del h
        r hset h ab cd
        assert_encoding listpack h
        r hset h abc 1
        assert_encoding hashtable h
        r config set hash-max-listpack-value 64
    }

    test {Both encodings give the same answers for the same operations} {
        r del lp ht
        r config set hash-max-listpack-entries 512
        hash_fill lp 100
        hash_fill ht 100
        r hset ht [string repeat y 70] z
        r hdel ht [string repeat y 70]
        assert_encoding listpack lp
        assert_encoding hashtable ht
        foreach k {lp ht} {
            r hset $k f3 new n 42
            r hdel $k f4 f5
            r hincrby $k n 8
            r hincrbyfloat $k f6x 0.5
        }
        assert_equal [hash_sorted lp] [hash_sorted ht]
        assert_equal [r hlen lp] [r hlen ht]
        assert_equal [r hmget lp f3 f4 n f6x] [r hmget ht f3 f4 n f6x]
    }

    test {COPY and MEMORY USAGE work for both encodings} {
        r del src dst src2 dst2
        r hset src a 1 b 2
        r copy src dst
        r hset dst c 3
        assert_equal [r hlen src] 2
        assert_equal [hash_sorted dst] {{a 1} {b 2} {c 3}}
        hash_fill src2 1000
        r copy src2 dst2
        assert_encoding hashtable dst2
        r hdel src2 f1
        assert_equal [r hlen dst2] 1000
        assert_morethan [r memory usage src2] 20000
        assert_morethan [r memory usage src] 10
    }

    # ---- HRANDFIELD ---------------------------------------------------------------------------

    test {HRANDFIELD without count returns one field, or null for a missing key} {
        r del h
        r hset h a 1 b 2 c 3
        for {set i 0} {$i < 20} {incr i} {
            assert_match {[abc]} [r hrandfield h]
        }
        assert_equal [r rawcmd hrandfield nokey] "\$-1\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd hrandfield nokey] "_\r\n"
        $c close
    }

    test {HRANDFIELD count errors and empty cases} {
        r del h
        r hset h a 1
        assert_equal [r rawcmd hrandfield h x] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd hrandfield h 1 foo] "-ERR syntax error\r\n"
        assert_equal [r rawcmd hrandfield h 1 withvalues foo] "-ERR syntax error\r\n"
        assert_equal [r rawcmd hrandfield h -9223372036854775808] \
            "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"
        assert_equal [r rawcmd hrandfield h -9223372036854775807 withvalues] "-ERR value is out of range\r\n"
        assert_equal [r rawcmd hrandfield h 4611686018427387904 withvalues] "-ERR value is out of range\r\n"
        assert_equal [r rawcmd hrandfield nokey x] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd hrandfield nokey 1 foo] "-ERR syntax error\r\n"
        assert_equal [r rawcmd hrandfield h 0] "*0\r\n"
        assert_equal [r rawcmd hrandfield h 0 withvalues] "*0\r\n"
        assert_equal [r rawcmd hrandfield nokey 5] "*0\r\n"
        assert_equal [r rawcmd hrandfield nokey -5 withvalues] "*0\r\n"
    }

    foreach {enc n} {listpack 20 hashtable 1000} {
        test "HRANDFIELD positive count gives distinct fields ($enc)" {
            r del h
            hash_fill h $n
            assert_encoding $enc h
            foreach count [list 1 3 [expr {$n / 2}] [expr {$n - 1}] $n [expr {$n + 5}]] {
                set got [r hrandfield h $count]
                set want [expr {$count > $n ? $n : $count}]
                assert_equal [llength $got] $want
                assert_equal [llength [lsort -unique $got]] $want
            }
            set pairs [r hrandfield h 5 withvalues]
            assert_equal [llength $pairs] 10
            foreach {f v} $pairs { assert_equal $v "v[string range $f 1 end]" }
            set all [r hrandfield h [expr {$n * 2}] withvalues]
            assert_equal [llength $all] [expr {$n * 2}]
        }

        test "HRANDFIELD negative count may repeat and gives |count| picks ($enc)" {
            set got [r hrandfield h -100]
            assert_equal [llength $got] 100
            foreach f $got { assert_match {f*} $f }
            set pairs [r hrandfield h -50 withvalues]
            assert_equal [llength $pairs] 100
            foreach {f v} $pairs { assert_equal $v "v[string range $f 1 end]" }
            r del one
            r hset one only x
            assert_equal [r hrandfield one -5] {only only only only only}
        }

        test "HRANDFIELD reaches every field ($enc)" {
            set seen [dict create]
            for {set i 0} {$i < 200 && [dict size $seen] < $n} {incr i} {
                foreach f [r hrandfield h -500] { dict set seen $f 1 }
            }
            assert_equal [dict size $seen] $n
        }
    }

    test {HRANDFIELD WITHVALUES is flat in RESP2 and pairs in RESP3} {
        r del h
        r hset h a 1
        assert_equal [r rawcmd hrandfield h 1 withvalues] "*2\r\n\$1\r\na\r\n\$1\r\n1\r\n"
        assert_equal [r rawcmd hrandfield h -2 withvalues] \
            "*4\r\n\$1\r\na\r\n\$1\r\n1\r\n\$1\r\na\r\n\$1\r\n1\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd hrandfield h 1 withvalues] "*1\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n"
        assert_equal [$c rawcmd hrandfield h -2 withvalues] \
            "*2\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n"
        assert_equal [$c rawcmd hrandfield h 1] "*1\r\n\$1\r\na\r\n"
        assert_equal [$c rawcmd hrandfield h] "\$1\r\na\r\n"
        $c close
    }

    # ---- HSCAN ----------------------------------------------------------------------------------

    test {HSCAN of a listpack hash returns everything at once with cursor 0} {
        r del h
        r hset h a 1 b 2 c 3
        assert_equal [r hscan h 0] {0 {a 1 b 2 c 3}}
        assert_equal [r hscan h 0 count 1] {0 {a 1 b 2 c 3}}
        assert_equal [r hscan h 12345] {0 {a 1 b 2 c 3}}
        assert_equal [r hscan h 0 match {[ab]}] {0 {a 1 b 2}}
        assert_equal [r hscan h 0 match x*] {0 {}}
        assert_equal [r rawcmd hscan h 0 match c] "*2\r\n\$1\r\n0\r\n*2\r\n\$1\r\nc\r\n\$1\r\n3\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd hscan h 0 match c] "*2\r\n\$1\r\n0\r\n*2\r\n\$1\r\nc\r\n\$1\r\n3\r\n"
        $c close
    }

    test {HSCAN errors; a missing key is an empty scan whatever the options} {
        r del h
        r hset h a 1
        assert_equal [r rawcmd hscan h x] "-ERR invalid cursor\r\n"
        assert_equal [r rawcmd hscan h " 1"] "-ERR invalid cursor\r\n"
        assert_equal [r rawcmd hscan h 18446744073709551616] "-ERR invalid cursor\r\n"
        assert_equal [r rawcmd hscan h 0 count 0] "-ERR syntax error\r\n"
        assert_equal [r rawcmd hscan h 0 count x] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd hscan h 0 match] "-ERR syntax error\r\n"
        assert_equal [r rawcmd hscan h 0 type string] "-ERR syntax error\r\n"
        assert_equal [r rawcmd hscan h 0 foo bar] "-ERR syntax error\r\n"
        assert_equal [r rawcmd hscan nokey 0] "*2\r\n\$1\r\n0\r\n*0\r\n"
        assert_equal [r rawcmd hscan nokey 0 count 0] "*2\r\n\$1\r\n0\r\n*0\r\n"
        assert_equal [r rawcmd hscan nokey x] "-ERR invalid cursor\r\n"
        assert_equal [r hscan h -1] {0 {a 1}}
        assert_equal [r hscan h +0] {0 {a 1}}
    }

    test {HSCAN of a hashtable hash visits every field exactly once over a full iteration} {
        r del h
        hash_fill h 1000
        assert_encoding hashtable h
        set cursor 0
        set seen [dict create]
        set calls 0
        while 1 {
            lassign [r hscan h $cursor count 20] cursor items
            incr calls
            foreach {f v} $items {
                assert_equal $v "v[string range $f 1 end]"
                dict incr seen $f
            }
            if {$cursor == 0} break
        }
        assert_equal [dict size $seen] 1000
        assert_morethan $calls 10
        set cursor 0
        set matched {}
        while 1 {
            lassign [r hscan h $cursor match f99* count 100] cursor items
            foreach {f v} $items { lappend matched $f }
            if {$cursor == 0} break
        }
        assert_equal [lsort $matched] [lsort {f99 f990 f991 f992 f993 f994 f995 f996 f997 f998 f999}]
    }

    # ---- big cases ------------------------------------------------------------------------------

    test {A 20000-field hash keeps every field through updates and deletes} {
        r del big
        hash_fill big 20000
        assert_equal [r hlen big] 20000
        assert_encoding hashtable big
        for {set i 0} {$i < 20000} {incr i 2} { lappend del f$i }
        assert_equal [r hdel big {*}$del] 10000
        assert_equal [r hlen big] 10000
        assert_equal [r hget big f1] v1
        assert_equal [r hget big f2] {}
        assert_equal [llength [r hkeys big]] 10000
        assert_equal [llength [r hgetall big]] 20000
    }

    test {Values of 100 KB survive in both directions} {
        set v [string repeat abcdefgh 12800]
        r del h
        r hset h f $v
        assert_equal [r hget h f] $v
        assert_equal [r hstrlen h f] 102400
    }

    test_if_command multi {HSET on a watched key aborts the transaction} {
        r del h
        r hset h a 1
        set c [redis_client]
        $c watch h
        r hset h a 2
        $c multi
        $c ping
        assert_equal [$c exec] {}
        $c close
    }
}
