# tests/unit/stream.tcl: the stream commands kvd supports (XADD, XLEN, XRANGE, XREVRANGE,
# XDEL, XTRIM): ID forms and every error text, the last-ID bookkeeping, node-granular `~`
# trimming (node limits as Redis's defaults, so the counts below are redis-server 7.0.15's),
# exclusive and incomplete ranges, COUNT edge cases, RESP2 and RESP3 bytes, TYPE/OBJECT/SCAN/
# COPY, keyspace events, and RQ's MULTI pattern. Runs unchanged against redis-server 7.0.
# Cost: about 1 s (one server).

# The wire form of an XRANGE entry list, for RESP2 byte comparisons.
proc stream_wire_entries {entries} {
    set out "*[llength $entries]\r\n"
    foreach e $entries {
        lassign $e id fv
        append out "*2\r\n\$[string length $id]\r\n$id\r\n*[llength $fv]\r\n"
        foreach x $fv { append out "\$[string length $x]\r\n$x\r\n" }
    }
    return $out
}

# Adds ids first..last (as "<i>-1") to key, each with the given field/value pairs.
proc stream_fill {key first last args} {
    for {set i $first} {$i <= $last} {incr i} { r xadd $key $i-1 {*}$args }
}

# The IDs of an XRANGE / XREVRANGE reply.
proc stream_ids {reply} {
    set out {}
    foreach e $reply { lappend out [lindex $e 0] }
    return $out
}

with_server {tags {stream}} {
    set wrongtype "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    set invalid "-ERR Invalid stream ID specified as stream command argument\r\n"
    set smaller "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"

    # ---- XADD IDs ---------------------------------------------------------------------------

    test {XADD takes ms-seq, ms and ms-* IDs and replies the ID as a bulk string} {
        r flushall
        assert_equal [r rawcmd xadd s 1-1 a b] "\$3\r\n1-1\r\n"
        assert_equal [r xadd s 1-* a b] 1-2
        assert_equal [r xadd s 5-* a b] 5-0
        assert_equal [r xadd s 6 a b] 6-0
        assert_equal [r xlen s] 4
        r del n
        assert_equal [r xadd n 0-* a b] 0-1
        assert_equal [r xadd n 0-* a b] 0-2
    }

    test {XADD refuses IDs not above the last one, and 0-0 without creating the key} {
        r del s n
        r xadd s 5-5 a b
        assert_equal [r rawcmd xadd s 5-5 a b] $smaller
        assert_equal [r rawcmd xadd s 5-4 a b] $smaller
        assert_equal [r rawcmd xadd s 5 a b] $smaller
        assert_equal [r rawcmd xadd s 4-* a b] $smaller
        assert_equal [r rawcmd xadd n 0-0 a b] "-ERR The ID specified in XADD must be greater than 0-0\r\n"
        assert_equal [r rawcmd xadd n 0 a b] "-ERR The ID specified in XADD must be greater than 0-0\r\n"
        assert_equal [r exists n] 0
        assert_equal [r xlen s] 1
    }

    test {XADD parses ID numbers like Redis's string2ull (spaces, '+', zeros, wrap of -0N)} {
        r del s
        assert_equal [r xadd s +5-1 a b] 5-1
        assert_equal [r xadd s 007-1 a b] 7-1
        assert_equal [r xadd s " 9-1" a b] 9-1
        assert_equal [r xadd s 10--01 a b] 10-18446744073709551615
        assert_equal [r xadd s "21- -1" a b] 21-18446744073709551615
        foreach bad {abc 1-2-3 -1 20--1 23- 24-0x1 "26-3 " - + 18446744073709551616-1 "" 1-*x} {
            assert_equal [r rawcmd xadd s $bad a b] $invalid "id '$bad'"
        }
        assert_equal [r rawcmd xadd s [string repeat 0 127]1 a b] $invalid
    }

    test {XADD at the maximum ID: exhausted, and ms-* with the sequence exhausted} {
        r del s
        assert_equal [r xadd s 18446744073709551615-18446744073709551615 a b] \
            18446744073709551615-18446744073709551615
        set ex "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n"
        assert_equal [r rawcmd xadd s * a b] $ex
        assert_equal [r rawcmd xadd s 18446744073709551615-* a b] $ex
        r del s
        r xadd s 5-18446744073709551615 a b
        assert_equal [r rawcmd xadd s 5-* a b] "-ERR Elements are too large to be stored\r\n"
        assert_equal [r xadd s 6-* a b] 6-0
    }

    test {XADD * uses the server clock and keeps counting in the last ms when behind it} {
        r del s
        set before [clock milliseconds]
        lassign [split [r xadd s * a b] -] ms seq
        assert_range $ms [expr {$before - 2000}] [expr {$before + 2000}]
        assert_equal $seq 0
        set future 99999999999999
        r xadd s $future-7 a b
        assert_equal [r xadd s * a b] $future-8
        assert_equal [r xadd s * a b] $future-9
    }

    test {XADD after XDEL of the top entry still has to exceed the last ID} {
        r del s
        r xadd s 1-1 a b
        r xadd s 2-1 a b
        assert_equal [r xdel s 2-1] 1
        assert_equal [r rawcmd xadd s 2-1 a b] $smaller
        assert_equal [r rawcmd xadd s 1-5 a b] $smaller
        assert_equal [r xadd s 2-* a b] 2-2
        assert_equal [r xdel s 1-1 2-2] 2
        assert_equal [r xlen s] 0
        assert_equal [r exists s] 1
        assert_equal [r rawcmd xadd s 2-2 a b] $smaller
        assert_equal [r xadd s 3 a b] 3-0
    }

    test {XADD argument errors, in Redis's order of checks} {
        r del s
        r set str x
        set arity "-ERR wrong number of arguments for 'xadd' command\r\n"
        set table [list \
            {xadd s a} $arity \
            {xadd s * a} $arity \
            {xadd s * a b c} $arity \
            {xadd s 1-1 a b c} $arity \
            {xadd s MAXLEN} $arity \
            {xadd s MAXLEN 2 a b} $invalid \
            {xadd s MAXLEN * a b} "-ERR value is not an integer or out of range\r\n" \
            {xadd s MAXLEN = * a b} "-ERR value is not an integer or out of range\r\n" \
            {xadd s MAXLEN -1 * a b} "-ERR The MAXLEN argument must be >= 0.\r\n" \
            {xadd s MINID abc * a b} $invalid \
            {xadd s MINID - * a b} $invalid \
            {xadd s MAXLEN 1 MINID 0 * a b} "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n" \
            {xadd s MINID 1 MINID 2 * a b} "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n" \
            {xadd s LIMIT 5 * a b} "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n" \
            {xadd s LIMIT 0 * a b} "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n" \
            {xadd s MAXLEN 5 LIMIT 5 * a b} "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n" \
            {xadd s MAXLEN = 5 LIMIT 0 * a b} "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n" \
            {xadd s MAXLEN ~ 5 LIMIT -1 * a b} "-ERR The LIMIT argument must be >= 0.\r\n" \
            {xadd s MAXLEN ~ 5 LIMIT abc * a b} "-ERR value is not an integer or out of range\r\n" \
            {xadd str * a b} $wrongtype \
            {xadd str NOMKSTREAM * a b} $wrongtype \
            {xadd str bad a b} $invalid \
            {xadd str * a} $arity \
        ]
        foreach {cmd want} $table {
            assert_equal [r rawcmd {*}$cmd] $want "$cmd"
        }
        assert_equal [r exists s] 0
    }

    test {XADD NOMKSTREAM: null without a key (RESP2 and RESP3), appends to an existing one} {
        r del s
        assert_equal [r rawcmd xadd s NOMKSTREAM * a b] "\$-1\r\n"
        assert_equal [r exists s] 0
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd xadd s nomkstream * a b] "_\r\n"
        $c close
        r xadd s 1-1 a b
        assert_equal [r xadd s NOMKSTREAM nomkstream MAXLEN ~ 5 2-1 a b] 2-1
        assert_equal [r xlen s] 2
    }

    # ---- trimming --------------------------------------------------------------------------

    test {XADD MAXLEN ~ 10 drops whole 100-entry nodes only (as redis-server: 30 -> 30, 250 -> 50)} {
        r del s
        for {set i 0} {$i < 30} {incr i} { r xadd s MAXLEN ~ 10 * type 1 return_value abc }
        assert_equal [r xlen s] 30
        r del s
        for {set i 0} {$i < 250} {incr i} { r xadd s MAXLEN ~ 10 * type 1 return_value abc }
        assert_equal [r xlen s] 50
        assert_equal [r xadd s MAXLEN 10 * type 1 return_value abc] [lindex [r xrevrange s + - COUNT 1] 0 0]
        assert_equal [r xlen s] 10
    }

    test {Nodes also split at 4096 bytes exactly where Redis splits them} {
        # 29 entries with one 1010-byte value: nodes of 4; 1011 bytes tips them to 3.
        foreach {len removed left} {1010 28 1 1011 27 2 1000 16 4} {
            r del s
            set v [string repeat x $len]
            for {set i 1} {$i <= 29} {incr i} { r xadd s $i-1 f $v }
            if {$len == 1000} { r del s; stream_fill s 1 20 f $v }
            assert_equal [r xtrim s MAXLEN ~ 1] $removed "value of $len bytes"
            assert_equal [r xlen s] $left
        }
    }

    test {XTRIM MAXLEN exact marks entries inside a node; ~ with LIMIT bounds the work} {
        r del s
        stream_fill s 1 250 f v
        assert_equal [r xtrim s MAXLEN = 245] 5
        assert_equal [stream_ids [r xrange s - + COUNT 2]] {6-1 7-1}
        assert_equal [r xtrim s MAXLEN ~ 0 LIMIT 50] 0
        assert_equal [r xtrim s MAXLEN ~ 0 LIMIT 95] 95
        assert_equal [r xlen s] 150
        assert_equal [r xtrim s MAXLEN ~ 0 LIMIT 0] 150
        assert_equal [r xlen s] 0
        assert_equal [r xtrim s MAXLEN 0] 0
        assert_equal [r xtrim nokey MAXLEN 0] 0
    }

    test {XTRIM MINID removes IDs below the threshold; ~ keeps a node holding a newer ID} {
        r del s
        stream_fill s 1 150 f v
        assert_equal [r xtrim s MINID ~ 120] 100
        assert_equal [r xtrim s MINID ~ 120] 0
        assert_equal [r xtrim s MINID 120] 19
        assert_equal [stream_ids [r xrange s - + COUNT 1]] {120-1}
        assert_equal [r xtrim s MINID 120-1] 0
        assert_equal [r xtrim s MINID 120-2] 1
        assert_equal [r xlen s] 30
        assert_equal [r xadd s MINID 150 200-1 f v] 200-1
        assert_equal [r xlen s] 2
    }

    test {XTRIM argument errors, checked before the key is looked up} {
        r set str x
        set table [list \
            {xtrim s LIMIT 1} "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n" \
            {xtrim s LIMIT 0} "-ERR syntax error, XTRIM must be called with a trimming strategy\r\n" \
            {xtrim s LIMIT 0 MAXLEN 1} "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n" \
            {xtrim s MAXLEN 1 extra} "-ERR syntax error\r\n" \
            {xtrim s NOMKSTREAM MAXLEN 1} "-ERR syntax error\r\n" \
            {xtrim s MAXLEN 0 MAXLEN 0} "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n" \
            {xtrim s MAXLEN ~} "-ERR value is not an integer or out of range\r\n" \
            {xtrim s MAXLEN ~ ~} "-ERR value is not an integer or out of range\r\n" \
            {xtrim s MINID +} $invalid \
            {xtrim s MAXLEN 0 LIMIT -1} "-ERR The LIMIT argument must be >= 0.\r\n" \
            {xtrim s MAXLEN 0 LIMIT 1} "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n" \
            {xtrim s MAXLEN} "-ERR wrong number of arguments for 'xtrim' command\r\n" \
            {xtrim nokey MAXLEN x} "-ERR value is not an integer or out of range\r\n" \
            {xtrim str MAXLEN x} "-ERR value is not an integer or out of range\r\n" \
            {xtrim str MAXLEN 1} $wrongtype \
            {xtrim nokey maxlen 1} ":0\r\n" \
            {xtrim s LIMIT 5 MAXLEN ~ 1} ":0\r\n" \
        ]
        foreach {cmd want} $table {
            assert_equal [r rawcmd {*}$cmd] $want "$cmd"
        }
    }

    # ---- ranges ----------------------------------------------------------------------------

    test {XRANGE and XREVRANGE: -, +, incomplete and exclusive IDs, COUNT} {
        r del s
        foreach i {1 2 3 4 5} { r xadd s $i-1 f $i g x }
        r xadd s 5-2 f 5
        assert_equal [stream_ids [r xrange s - +]] {1-1 2-1 3-1 4-1 5-1 5-2}
        assert_equal [stream_ids [r xrevrange s + -]] {5-2 5-1 4-1 3-1 2-1 1-1}
        assert_equal [stream_ids [r xrange s 2 4]] {2-1 3-1 4-1}
        assert_equal [stream_ids [r xrevrange s 4 2]] {4-1 3-1 2-1}
        assert_equal [stream_ids [r xrange s 5 5]] {5-1 5-2}
        assert_equal [stream_ids [r xrange s (1-1 (3-1]] {2-1}
        assert_equal [stream_ids [r xrange s (5 +]] {5-1 5-2}
        assert_equal [stream_ids [r xrevrange s (5-2 - COUNT 1]] {5-1}
        assert_equal [stream_ids [r xrevrange s + - COUNT 2]] {5-2 5-1}
        assert_equal [stream_ids [r xrange s - + count 1 COUNT 3]] {1-1 2-1 3-1}
        assert_equal [r xrange s 3 2] {}
        assert_equal [r xrange s - (0] {}
        assert_equal [r xrange s 5-2 5-2] {{5-2 {f 5}}}
    }

    test {XRANGE replies: RESP2 bytes, empty, COUNT 0 or negative is a null array} {
        r del s
        r xadd s 1-1 f 1 g x
        r xadd s 1-2 f 2
        assert_equal [r rawcmd xrange s - +] \
            [stream_wire_entries {{1-1 {f 1 g x}} {1-2 {f 2}}}]
        assert_equal [r rawcmd xrange s 3 2] "*0\r\n"
        assert_equal [r rawcmd xrange nokey - +] "*0\r\n"
        assert_equal [r rawcmd xrange nokey - + COUNT 0] "*0\r\n"
        assert_equal [r rawcmd xrange s - + COUNT 0] "*-1\r\n"
        assert_equal [r rawcmd xrange s - + COUNT -1] "*-1\r\n"
        assert_equal [r rawcmd xrevrange s + - COUNT 0] "*-1\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd xrange s - + COUNT 0] "_\r\n"
        assert_equal [$c rawcmd xrange s 3 2] "*0\r\n"
        assert_equal [$c rawcmd xrevrange s + -] \
            [stream_wire_entries {{1-2 {f 2}} {1-1 {f 1 g x}}}]
        $c close
    }

    test {XRANGE errors: bad IDs (checked before the key), bad COUNT, empty intervals} {
        r set str x
        set table [list \
            {xrange s x +} $invalid \
            {xrange s - x} $invalid \
            {xrange s ( +} $invalid \
            {xrange s (- +} $invalid \
            {xrange s - (+} $invalid \
            {xrange str x +} $invalid \
            {xrange str - +} $wrongtype \
            {xrevrange str + -} $wrongtype \
            {xrange s - + COUNT} "-ERR syntax error\r\n" \
            {xrange s - + foo 1} "-ERR syntax error\r\n" \
            {xrange s - + COUNT x} "-ERR value is not an integer or out of range\r\n" \
            {xrange s (18446744073709551615-18446744073709551615 +} "-ERR invalid start ID for the interval\r\n" \
            {xrange s - (0-0} "-ERR invalid end ID for the interval\r\n" \
            {xrevrange s (0-0 -} "-ERR invalid end ID for the interval\r\n" \
            {xrange s} "-ERR wrong number of arguments for 'xrange' command\r\n" \
        ]
        foreach {cmd want} $table {
            assert_equal [r rawcmd {*}$cmd] $want "$cmd"
        }
    }

    test {Fields that match the first entry's and fields that do not both read back} {
        r del s
        r xadd s 1-1 a 1 b 2
        r xadd s 1-2 a 3 b 4
        r xadd s 1-3 b 5 a 6
        r xadd s 1-4 a 7
        r xadd s 1-5 a 8 b 9 c 10
        r xadd s 1-6 12 -3 "" ""
        assert_equal [r xrange s - +] {{1-1 {a 1 b 2}} {1-2 {a 3 b 4}} {1-3 {b 5 a 6}} {1-4 {a 7}} {1-5 {a 8 b 9 c 10}} {1-6 {12 -3 {} {}}}}
        assert_equal [r xrevrange s + - COUNT 3] {{1-6 {12 -3 {} {}}} {1-5 {a 8 b 9 c 10}} {1-4 {a 7}}}
    }

    test {A big stream reads back across nodes in both directions, with holes} {
        r del s
        stream_fill s 1 1000 f v
        assert_equal [r xdel s 100-1 101-1 500-1 1000-1] 4
        set all [stream_ids [r xrange s - +]]
        assert_equal [llength $all] 996
        assert_equal [lrange $all 98 100] {99-1 102-1 103-1}
        set rev [stream_ids [r xrevrange s + -]]
        assert_equal $rev [lreverse $all]
        assert_equal [stream_ids [r xrange s 499 501]] {499-1 501-1}
        assert_equal [stream_ids [r xrevrange s 501 499]] {501-1 499-1}
        assert_equal [stream_ids [r xrevrange s + - COUNT 2]] {999-1 998-1}
    }

    # ---- XDEL, XLEN, generic commands -------------------------------------------------------

    test {XDEL counts deleted entries; a bad ID deletes nothing; missing key is 0} {
        r del s
        stream_fill s 1 5 f v
        assert_equal [r rawcmd xdel s 1-1 bad] $invalid
        assert_equal [r xlen s] 5
        assert_equal [r xdel s 2-1 2-1 3-1 9-9] 2
        assert_equal [r xdel s 1] 0
        assert_equal [r rawcmd xdel s *] $invalid
        assert_equal [r rawcmd xdel nokey bad] ":0\r\n"
        r set str x
        assert_equal [r rawcmd xdel str bad] $wrongtype
        assert_equal [r xlen s] 3
        assert_equal [stream_ids [r xrange s - +]] {1-1 4-1 5-1}
    }

    test {TYPE, OBJECT ENCODING, XLEN, WRONGTYPE both ways, SCAN TYPE stream} {
        r flushall
        r xadd s 1-1 a b
        r set str x
        assert_equal [r type s] stream
        assert_equal [r object encoding s] stream
        assert_equal [r xlen nokey] 0
        assert_equal [r rawcmd xlen str] $wrongtype
        assert_equal [r rawcmd get s] $wrongtype
        assert_equal [r rawcmd lpush s x] $wrongtype
        assert_equal [r rawcmd xlen s x] "-ERR wrong number of arguments for 'xlen' command\r\n"
        assert_equal [lindex [r scan 0 type stream] 1] {s}
    }

    test {COPY duplicates a stream; RENAME, EXPIRE and DEL treat it as any key} {
        r flushall
        r xadd s 1-1 a b
        r xadd s 2-1 a c
        assert_equal [r copy s t] 1
        r xadd t 3-1 x y
        r xdel s 1-1
        assert_equal [stream_ids [r xrange s - +]] {2-1}
        assert_equal [stream_ids [r xrange t - +]] {1-1 2-1 3-1}
        assert_equal [r rawcmd xadd t 3-1 a b] $smaller
        assert_equal [r rename t u] OK
        assert_equal [r expire u 100] 1
        assert_range [r ttl u] 90 100
        assert_equal [r del u s] 2
        r xadd m * a b
        assert_morethan [r memory usage m] 0
    }

    test {Keyspace events: xadd, xtrim (only when it removed something), xdel} {
        r flushall
        r config set notify-keyspace-events Et
        set sub [redis_deferring_client]
        $sub set_timeout 3000
        $sub psubscribe __keyevent@*
        $sub read
        r xadd s MAXLEN 1 1-1 a b
        r xadd s MAXLEN 1 2-1 a b
        r xtrim s MAXLEN 5
        r xdel s 9-9
        r xdel s 2-1
        r xtrim s MINID 5
        r xadd s 3-1 a b
        r lpush marker x
        set got {}
        for {set i 0} {$i < 5} {incr i} { lappend got [lrange [$sub read] 2 3] }
        assert_equal $got {{__keyevent@0__:xadd s} {__keyevent@0__:xadd s} {__keyevent@0__:xtrim s} {__keyevent@0__:xdel s} {__keyevent@0__:xadd s}}
        r config set notify-keyspace-events ""
        $sub close
    }

    test {RQ's result pattern: MULTI, XADD MAXLEN ~ 10 *, EXEC, then XREVRANGE + - COUNT 1} {
        r del rq:results:1
        r multi
        r xadd rq:results:1 MAXLEN ~ 10 * type 1 return_value Zm9v
        r expire rq:results:1 500
        set res [r exec]
        assert_match {*-*} [lindex $res 0]
        set last [r xrevrange rq:results:1 + - COUNT 1]
        assert_equal [lindex $last 0 0] [lindex $res 0]
        assert_equal [lindex $last 0 1] {type 1 return_value Zm9v}
        assert_equal [r xlen rq:results:1] 1
    }
}
