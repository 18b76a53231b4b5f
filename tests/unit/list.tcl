# tests/unit/list.tcl: the non-blocking list commands (push/pop with counts, ranges, positional
# edits, LPOS, LMOVE/RPOPLPUSH, LMPOP): replies in RESP2 and RESP3, every error, encodings,
# lists spanning many packed nodes, and the WRONGTYPE cases.

# A fresh RESP3 client (caller closes it).
proc resp3_client {} {
    set c [redis_client]
    $c hello 3
    return $c
}

# A list value for key holding 0..n-1 (as integers) pushed in batches.
proc fill_list {key n {prefix ""}} {
    r del $key
    set batch {}
    for {set i 0} {$i < $n} {incr i} {
        lappend batch "$prefix$i"
        if {[llength $batch] == 500} { r rpush $key {*}$batch; set batch {} }
    }
    if {[llength $batch]} { r rpush $key {*}$batch }
}

proc seq_list {n {prefix ""}} {
    set out {}
    for {set i 0} {$i < $n} {incr i} { lappend out "$prefix$i" }
    return $out
}

with_server {tags {list}} {
    # ---- push ------------------------------------------------------------------------------

    test {LPUSH and RPUSH reply the new length and keep argument order} {
        r flushall
        assert_equal [r rpush l a b c] 3
        assert_equal [r lpush l x y] 5
        assert_equal [r lrange l 0 -1] {y x a b c}
        assert_equal [r type l] list
        assert_equal [r rawcmd rpush l z] ":6\r\n"
    }

    test {LPUSHX and RPUSHX do nothing on a missing key and push onto an existing one} {
        r flushall
        assert_equal [r lpushx l a] 0
        assert_equal [r rpushx l a b] 0
        assert_equal [r exists l] 0
        r rpush l m
        assert_equal [r lpushx l a b] 3
        assert_equal [r rpushx l y z] 5
        assert_equal [r lrange l 0 -1] {b a m y z}
    }

    test {Pushes count one change per element} {
        r flushall
        set before [info_field [r info persistence] rdb_changes_since_last_save]
        r rpush l a b c
        r lpush l d
        set after [info_field [r info persistence] rdb_changes_since_last_save]
        assert_equal [expr {$after - $before}] 4
    }

    test {Elements are binary safe and integer-looking text round-trips exactly} {
        r flushall
        set vals [list "a\x00b\r\n" "" 0 -0 007 +1 " 1" 1.5 127 128 -2048 2047 2048 -32768 \
                      32767 8388607 -8388609 2147483648 -9223372036854775808 \
                      9223372036854775807 9223372036854775808 -9223372036854775809 1e3]
        r rpush l {*}$vals
        assert_equal [r lrange l 0 -1] $vals
        assert_equal [r rawcmd lindex l 0] "\$5\r\na\x00b\r\n\r\n"
        assert_equal [r rawcmd lindex l 1] "\$0\r\n\r\n"
        assert_equal [r rawcmd lindex l 2] "\$1\r\n0\r\n"
        set i 0
        foreach v $vals {
            assert_equal [r lpos l $v] $i "lpos of '$v'"
            incr i
        }
    }

    test {OBJECT ENCODING of a list is quicklist at every size (Redis 7.0)} {
        r flushall
        r rpush small a
        assert_encoding quicklist small
        fill_list big 2000
        assert_encoding quicklist big
        r rpush bigval [string repeat x 10000]
        assert_encoding quicklist bigval
    }

    # ---- pop -------------------------------------------------------------------------------

    test {LPOP and RPOP take one element from each end} {
        r flushall
        r rpush l a b c
        assert_equal [r lpop l] a
        assert_equal [r rpop l] c
        assert_equal [r rawcmd lpop l] "\$1\r\nb\r\n"
        assert_equal [r exists l] 0
    }

    test {LPOP and RPOP of a missing key are null bulk in RESP2 and _ in RESP3} {
        r flushall
        assert_equal [r rawcmd lpop nokey] "\$-1\r\n"
        assert_equal [r rawcmd rpop nokey] "\$-1\r\n"
        set c [resp3_client]
        assert_equal [$c rawcmd lpop nokey] "_\r\n"
        assert_equal [$c rawcmd rpop nokey] "_\r\n"
        $c close
    }

    test {LPOP and RPOP with count reply an array in pop order} {
        r flushall
        r rpush l a b c d e
        assert_equal [r lpop l 2] {a b}
        assert_equal [r rpop l 2] {e d}
        assert_equal [r rawcmd lpop l 1] "*1\r\n\$1\r\nc\r\n"
        assert_equal [r exists l] 0
    }

    test {LPOP with a count larger than the list returns all and deletes the key} {
        r flushall
        r rpush l a b c
        assert_equal [r rpop l 10] {c b a}
        assert_equal [r exists l] 0
        r rpush l a b c
        assert_equal [r lpop l 3] {a b c}
        assert_equal [r exists l] 0
    }

    test {LPOP with count 0 is an empty array, or a null array when the key is missing} {
        r flushall
        r rpush l a
        assert_equal [r rawcmd lpop l 0] "*0\r\n"
        assert_equal [r rawcmd rpop l 0] "*0\r\n"
        assert_equal [r llen l] 1
        assert_equal [r rawcmd lpop nokey 0] "*-1\r\n"
        assert_equal [r rawcmd rpop nokey 5] "*-1\r\n"
        set c [resp3_client]
        assert_equal [$c rawcmd lpop nokey 0] "_\r\n"
        assert_equal [$c rawcmd lpop nokey 2] "_\r\n"
        assert_equal [$c rawcmd lpop l 0] "*0\r\n"
        $c close
    }

    test {LPOP count must be a non-negative integer; more arguments are an arity error} {
        r flushall
        r rpush l a
        assert_equal [r rawcmd lpop l -1] "-ERR value is out of range, must be positive\r\n"
        assert_equal [r rawcmd rpop l abc] "-ERR value is out of range, must be positive\r\n"
        assert_equal [r rawcmd lpop nokey -1] "-ERR value is out of range, must be positive\r\n"
        assert_equal [r rawcmd lpop l 1 2] "-ERR wrong number of arguments for 'lpop' command\r\n"
        assert_equal [r rawcmd rpop l 1 2] "-ERR wrong number of arguments for 'rpop' command\r\n"
        assert_equal [r llen l] 1
    }

    # ---- LLEN / LINDEX / LRANGE ------------------------------------------------------------

    test {LLEN counts elements; a missing key has length 0} {
        r flushall
        assert_equal [r llen l] 0
        r rpush l a b
        assert_equal [r llen l] 2
    }

    test {LINDEX with positive, negative and out-of-range indexes} {
        r flushall
        r rpush l a b c
        assert_equal [r lindex l 0] a
        assert_equal [r lindex l 2] c
        assert_equal [r lindex l -1] c
        assert_equal [r lindex l -3] a
        assert_equal [r rawcmd lindex l 3] "\$-1\r\n"
        assert_equal [r rawcmd lindex l -4] "\$-1\r\n"
        assert_equal [r rawcmd lindex nokey 0] "\$-1\r\n"
        set c [resp3_client]
        assert_equal [$c rawcmd lindex l 9] "_\r\n"
        $c close
    }

    test {LINDEX looks the key up before it parses the index} {
        r flushall
        assert_equal [r rawcmd lindex nokey abc] "\$-1\r\n"
        r rpush l a
        assert_error "ERR value is not an integer or out of range" {r lindex l abc}
        r set s x
        assert_error "WRONGTYPE*" {r lindex s abc}
    }

    test {LRANGE clamps its range like Redis} {
        r flushall
        r rpush l a b c d e
        assert_equal [r lrange l 0 -1] {a b c d e}
        assert_equal [r lrange l 1 2] {b c}
        assert_equal [r lrange l -2 -1] {d e}
        assert_equal [r lrange l -100 1] {a b}
        assert_equal [r lrange l 3 100] {d e}
        assert_equal [r rawcmd lrange l 3 1] "*0\r\n"
        assert_equal [r rawcmd lrange l 5 10] "*0\r\n"
        assert_equal [r rawcmd lrange l -100 -50] "*0\r\n"
        assert_equal [r rawcmd lrange nokey 0 -1] "*0\r\n"
        assert_equal [r rawcmd lrange l 0 0] "*1\r\n\$1\r\na\r\n"
    }

    test {LRANGE parses both indexes before looking at the key} {
        r flushall
        assert_error "ERR value is not an integer or out of range" {r lrange nokey a 1}
        assert_error "ERR value is not an integer or out of range" {r lrange nokey 0 1.5}
        r set s x
        assert_error "ERR value is not an integer or out of range" {r lrange s 0 x}
        assert_error "WRONGTYPE*" {r lrange s 0 1}
    }

    # ---- LSET / LINSERT / LREM / LTRIM ------------------------------------------------------

    test {LSET replaces by positive and negative index} {
        r flushall
        r rpush l a b c
        assert_equal [r lset l 0 x] OK
        assert_equal [r lset l -1 12345] OK
        assert_equal [r lset l 1 [string repeat y 300]] OK
        assert_equal [r lrange l 0 -1] [list x [string repeat y 300] 12345]
        r lset l 1 q
        assert_equal [r lrange l 0 -1] {x q 12345}
    }

    test {LSET errors: no such key first, then the index, then the range} {
        r flushall
        assert_equal [r rawcmd lset nokey 0 a] "-ERR no such key\r\n"
        assert_equal [r rawcmd lset nokey abc a] "-ERR no such key\r\n"
        r rpush l a
        assert_equal [r rawcmd lset l abc a] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd lset l 1 a] "-ERR index out of range\r\n"
        assert_equal [r rawcmd lset l -2 a] "-ERR index out of range\r\n"
        r set s x
        assert_error "WRONGTYPE*" {r lset s 0 a}
    }

    test {LINSERT before and after the first matching pivot} {
        r flushall
        r rpush l a b c b
        assert_equal [r linsert l before b x] 5
        assert_equal [r linsert l AFTER b y] 6
        assert_equal [r lrange l 0 -1] {a x b y c b}
        assert_equal [r linsert l after b2 z] -1
        assert_equal [r linsert nokey before a z] 0
        assert_equal [r exists nokey] 0
        assert_equal [r linsert l after b 7] 7
        assert_equal [r linsert l before 7 8] 8
        assert_equal [r lrange l 0 -1] {a x b 8 7 y c b}
    }

    test {LINSERT checks BEFORE/AFTER before the key} {
        r flushall
        assert_equal [r rawcmd linsert nokey middle a b] "-ERR syntax error\r\n"
        r set s x
        assert_equal [r rawcmd linsert s middle a b] "-ERR syntax error\r\n"
        assert_error "WRONGTYPE*" {r linsert s before a b}
    }

    test {LREM removes from the head, from the tail, or every occurrence} {
        r flushall
        r rpush l a b a c a b a
        assert_equal [r lrem l 2 a] 2
        assert_equal [r lrange l 0 -1] {b c a b a}
        assert_equal [r lrem l -1 a] 1
        assert_equal [r lrange l 0 -1] {b c a b}
        assert_equal [r lrem l 0 b] 2
        assert_equal [r lrange l 0 -1] {c a}
        assert_equal [r lrem l 0 zz] 0
        assert_equal [r lrem l 0 c] 1
        assert_equal [r lrem l 0 a] 1
        assert_equal [r exists l] 0
        assert_equal [r lrem nokey 0 a] 0
    }

    test {LREM matches integers by their text} {
        r flushall
        r rpush l 1 01 1 +1 -1 1
        assert_equal [r lrem l 0 1] 3
        assert_equal [r lrange l 0 -1] {01 +1 -1}
        assert_equal [r lrem l 1 01] 1
        assert_equal [r lrange l 0 -1] {+1 -1}
    }

    test {LREM count must be an integer, checked before the key} {
        r flushall
        assert_error "ERR value is not an integer or out of range" {r lrem nokey x a}
        r set s x
        assert_error "WRONGTYPE*" {r lrem s 0 a}
    }

    test {LTRIM keeps the range and deletes the key when nothing is left} {
        r flushall
        r rpush l a b c d e
        assert_equal [r ltrim l 1 -2] OK
        assert_equal [r lrange l 0 -1] {b c d}
        assert_equal [r ltrim l -100 100] OK
        assert_equal [r lrange l 0 -1] {b c d}
        assert_equal [r ltrim l 1 1] OK
        assert_equal [r lrange l 0 -1] {c}
        assert_equal [r ltrim l 5 10] OK
        assert_equal [r exists l] 0
        r rpush l a b
        assert_equal [r ltrim l 1 0] OK
        assert_equal [r exists l] 0
        assert_equal [r ltrim nokey 0 1] OK
    }

    test {LTRIM parses its indexes before the key} {
        r flushall
        assert_error "ERR value is not an integer or out of range" {r ltrim nokey a 1}
        r set s x
        assert_error "WRONGTYPE*" {r ltrim s 0 1}
    }

    # ---- LPOS ------------------------------------------------------------------------------

    test {LPOS finds the first match, or null} {
        r flushall
        r rpush l a b c 1 2 3 c c
        assert_equal [r lpos l c] 2
        assert_equal [r lpos l 3] 5
        assert_equal [r rawcmd lpos l zz] "\$-1\r\n"
        assert_equal [r rawcmd lpos nokey a] "\$-1\r\n"
        set c [resp3_client]
        assert_equal [$c rawcmd lpos l zz] "_\r\n"
        assert_equal [$c rawcmd lpos nokey a] "_\r\n"
        $c close
    }

    test {LPOS RANK counts matches from the head or, when negative, from the tail} {
        r flushall
        r rpush l a b c 1 2 3 c c
        assert_equal [r lpos l c rank 1] 2
        assert_equal [r lpos l c rank 2] 6
        assert_equal [r lpos l c rank 3] 7
        assert_equal [r rawcmd lpos l c rank 4] "\$-1\r\n"
        assert_equal [r lpos l c rank -1] 7
        assert_equal [r lpos l c rank -3] 2
        assert_equal [r rawcmd lpos l c rank -4] "\$-1\r\n"
    }

    test {LPOS COUNT returns an array of positions; 0 means all} {
        r flushall
        r rpush l a b c 1 2 3 c c
        assert_equal [r lpos l c count 0] {2 6 7}
        assert_equal [r lpos l c count 2] {2 6}
        assert_equal [r lpos l c count 2 rank 2] {6 7}
        assert_equal [r lpos l c count 0 rank -1] {7 6 2}
        assert_equal [r lpos l c count 1 rank -2] {6}
        assert_equal [r rawcmd lpos l zz count 0] "*0\r\n"
        assert_equal [r rawcmd lpos nokey a count 0] "*0\r\n"
        assert_equal [r rawcmd lpos nokey a count 3] "*0\r\n"
        assert_equal [r rawcmd lpos l c count 1] "*1\r\n:2\r\n"
    }

    test {LPOS MAXLEN limits how many elements are compared} {
        r flushall
        r rpush l a b c 1 2 3 c c
        assert_equal [r rawcmd lpos l c maxlen 2] "\$-1\r\n"
        assert_equal [r lpos l c maxlen 3] 2
        assert_equal [r lpos l c count 0 maxlen 7] {2 6}
        assert_equal [r lpos l c count 0 maxlen 0] {2 6 7}
        assert_equal [r lpos l c rank -1 count 0 maxlen 2] {7 6}
        assert_equal [r lpos l a count 0 rank 1 maxlen 1] {0}
    }

    test {LPOS option errors} {
        r flushall
        r rpush l a
        assert_equal [r rawcmd lpos l a rank 0] "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"
        assert_equal [r rawcmd lpos l a rank x] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd lpos l a count -1] "-ERR COUNT can't be negative\r\n"
        assert_equal [r rawcmd lpos l a count x] "-ERR COUNT can't be negative\r\n"
        assert_equal [r rawcmd lpos l a maxlen -1] "-ERR MAXLEN can't be negative\r\n"
        assert_equal [r rawcmd lpos l a maxlen x] "-ERR MAXLEN can't be negative\r\n"
        assert_equal [r rawcmd lpos l a foo] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lpos l a count] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lpos l a rank 1 maxlen] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lpos nokey a rank 0] "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"
        r set s x
        assert_error "WRONGTYPE*" {r lpos s a}
    }

    test {LPOS options may repeat; the last value wins} {
        r flushall
        r rpush l c c c
        assert_equal [r lpos l c rank 1 rank 3] 2
        assert_equal [r lpos l c count 1 count 2] {0 1}
    }

    # ---- LMOVE / RPOPLPUSH -----------------------------------------------------------------

    test {LMOVE in all four directions} {
        r flushall
        r rpush src a b c d
        r rpush dst x
        assert_equal [r lmove src dst left left] a
        assert_equal [r lmove src dst right right] d
        assert_equal [r lmove src dst LEFT RIGHT] b
        assert_equal [r lmove src dst Right Left] c
        assert_equal [r lrange dst 0 -1] {c a x d b}
        assert_equal [r exists src] 0
    }

    test {LMOVE creates the destination and rotates a list onto itself} {
        r flushall
        r rpush l a b c
        assert_equal [r lmove l newl right left] c
        assert_equal [r lrange newl 0 -1] {c}
        assert_equal [r lmove l l left right] a
        assert_equal [r lrange l 0 -1] {b a}
        r del l
        r rpush l only
        assert_equal [r lmove l l left right] only
        assert_equal [r lrange l 0 -1] {only}
    }

    test {LMOVE of a missing source is null and leaves the destination alone} {
        r flushall
        assert_equal [r rawcmd lmove nokey dst left left] "\$-1\r\n"
        assert_equal [r exists dst] 0
        set c [resp3_client]
        assert_equal [$c rawcmd lmove nokey dst left left] "_\r\n"
        assert_equal [$c rawcmd rpoplpush nokey dst] "_\r\n"
        $c close
    }

    test {LMOVE to a non-list destination is WRONGTYPE and pops nothing} {
        r flushall
        r rpush src a b
        r set s x
        assert_error "WRONGTYPE*" {r lmove src s left left}
        assert_equal [r lrange src 0 -1] {a b}
        assert_error "WRONGTYPE*" {r lmove s src left left}
        assert_error "WRONGTYPE*" {r rpoplpush src s}
        assert_equal [r lrange src 0 -1] {a b}
        # a missing source answers null before the destination's type is looked at
        assert_equal [r rawcmd lmove nokey s left left] "\$-1\r\n"
    }

    test {LMOVE directions must be LEFT or RIGHT, checked before the keys} {
        r flushall
        assert_equal [r rawcmd lmove a b up left] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lmove a b left down] "-ERR syntax error\r\n"
        r set s x
        assert_equal [r rawcmd lmove s s middle left] "-ERR syntax error\r\n"
    }

    test {RPOPLPUSH moves the tail of one list to the head of another} {
        r flushall
        r rpush src a b c
        assert_equal [r rpoplpush src dst] c
        assert_equal [r rpoplpush src dst] b
        assert_equal [r lrange dst 0 -1] {b c}
        assert_equal [r rpoplpush src src] a
        assert_equal [r rpoplpush src dst] a
        assert_equal [r exists src] 0
        assert_equal [r lrange dst 0 -1] {a b c}
    }

    test {LMOVE and RPOPLPUSH carry integers and binary elements unchanged} {
        r flushall
        r rpush src 12345 "x\x00y" -7
        assert_equal [r lmove src dst left right] 12345
        assert_equal [r rpoplpush src dst] -7
        assert_equal [r lmove src dst left right] "x\x00y"
        assert_equal [r lrange dst 0 -1] [list -7 12345 "x\x00y"]
    }

    # ---- LMPOP -----------------------------------------------------------------------------

    test {LMPOP pops from the first non-empty list} {
        r flushall
        r rpush l2 a b c d
        r rpush l3 x
        assert_equal [r lmpop 3 l1 l2 l3 left] {l2 a}
        assert_equal [r lmpop 3 l1 l2 l3 right count 2] {l2 {d c}}
        assert_equal [r lmpop 2 l2 l3 right count 10] {l2 b}
        assert_equal [r exists l2] 0
        assert_equal [r lmpop 3 l1 l2 l3 LEFT COUNT 5] {l3 x}
        assert_equal [r exists l3] 0
    }

    test {LMPOP with no non-empty list is a null array in RESP2 and _ in RESP3} {
        r flushall
        assert_equal [r rawcmd lmpop 2 a b left] "*-1\r\n"
        assert_equal [r rawcmd lmpop 1 a right count 3] "*-1\r\n"
        set c [resp3_client]
        assert_equal [$c rawcmd lmpop 2 a b left] "_\r\n"
        $c close
    }

    test {LMPOP reply shape in RESP2 and RESP3} {
        r flushall
        r rpush l a b
        assert_equal [r rawcmd lmpop 1 l left] "*2\r\n\$1\r\nl\r\n*1\r\n\$1\r\na\r\n"
        set c [resp3_client]
        assert_equal [$c rawcmd lmpop 1 l left count 3] "*2\r\n\$1\r\nl\r\n*1\r\n\$1\r\nb\r\n"
        $c close
    }

    test {LMPOP argument errors} {
        r flushall
        r rpush l a
        assert_equal [r rawcmd lmpop 0 l left] "-ERR numkeys should be greater than 0\r\n"
        assert_equal [r rawcmd lmpop -1 l left] "-ERR numkeys should be greater than 0\r\n"
        assert_equal [r rawcmd lmpop abc l left] "-ERR numkeys should be greater than 0\r\n"
        assert_equal [r rawcmd lmpop 2 l left] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lmpop 5 l left] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lmpop 1 l up] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lmpop 1 l left count 0] "-ERR count should be greater than 0\r\n"
        assert_equal [r rawcmd lmpop 1 l left count -2] "-ERR count should be greater than 0\r\n"
        assert_equal [r rawcmd lmpop 1 l left count x] "-ERR count should be greater than 0\r\n"
        assert_equal [r rawcmd lmpop 1 l left count 1 count 1] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lmpop 1 l left count] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lmpop 1 l left foo] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lmpop 1 l] "-ERR wrong number of arguments for 'lmpop' command\r\n"
        assert_equal [r llen l] 1
    }

    test {LMPOP stops at a wrong-typed key only if no earlier list had elements} {
        r flushall
        r set s x
        r rpush l a b
        assert_error "WRONGTYPE*" {r lmpop 2 s l left}
        assert_equal [r lmpop 2 l s left] {l a}
        assert_error "WRONGTYPE*" {r lmpop 2 nokey s left}
    }

    # ---- WRONGTYPE -------------------------------------------------------------------------

    test {Every list command on a string key is WRONGTYPE and changes nothing} {
        r flushall
        r set s x
        foreach cmd {
            {lpush s a} {rpush s a} {lpushx s a} {rpushx s a} {lpop s} {rpop s} {lpop s 2}
            {rpop s 0} {llen s} {lrange s 0 -1} {lindex s 0} {lset s 0 a} {linsert s before a b}
            {lrem s 0 a} {ltrim s 0 1} {lpos s a} {lpos s a count 0} {lmove s d left left}
            {rpoplpush s d} {lmpop 1 s left}
        } {
            assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" \
                [list r {*}$cmd]
        }
        assert_equal [r get s] x
        assert_equal [r exists d] 0
    }

    test {String commands on a list key are WRONGTYPE} {
        r flushall
        r rpush l a
        assert_error "WRONGTYPE*" {r get l}
        assert_error "WRONGTYPE*" {r append l x}
        assert_error "WRONGTYPE*" {r incr l}
    }

    # ---- keyspace interplay ----------------------------------------------------------------

    test {COPY duplicates a list deeply; RENAME and DEL move and drop it} {
        r flushall
        fill_list l 1500 e
        r copy l l2
        r rpush l tail
        r lset l2 0 changed
        assert_equal [r llen l] 1501
        assert_equal [r llen l2] 1500
        assert_equal [r lindex l 0] e0
        assert_equal [r lindex l2 0] changed
        assert_equal [r lrange l2 1 3] {e1 e2 e3}
        r rename l2 l3
        assert_equal [r lindex l3 -1] e1499
        assert_equal [r del l l3] 2
    }

    test {A list with a TTL keeps it across pushes and pops} {
        r flushall
        r rpush l a b c
        r expire l 100
        r rpush l d
        r lpop l
        r lset l 0 x
        assert_range [r ttl l] 90 100
    }

    test {MEMORY USAGE of a list grows with its elements} {
        r flushall
        r rpush small a
        fill_list big 5000 element-
        set s [r memory usage small]
        set b [r memory usage big]
        assert {$s > 0}
        assert {$b > 5000 * 10}
        assert {$b < 5000 * 30}
    }

    test_if_command watch {WATCH is invalidated by a push, a pop and an in-place edit} {
        r flushall
        r rpush l a b c
        foreach edit {{rpush l d} {lpop l} {lset l 0 z} {linsert l before z y} {lrem l 1 y} {ltrim l 0 0}} {
            set c [redis_client]
            $c watch l
            r {*}$edit
            $c multi
            $c ping
            assert_equal [$c exec] {} "after $edit"
            $c close
        }
    }

    # ---- big lists across many packed nodes -------------------------------------------------

    test {A 20000-element list reads back correctly from both ends and the middle} {
        r flushall
        fill_list l 20000
        assert_equal [r llen l] 20000
        assert_equal [r lindex l 0] 0
        assert_equal [r lindex l 9999] 9999
        assert_equal [r lindex l -1] 19999
        assert_equal [r lindex l -12345] 7655
        assert_equal [r lrange l 9998 10002] {9998 9999 10000 10001 10002}
        assert_equal [r lrange l -3 -1] {19997 19998 19999}
        assert_equal [r lrange l 0 -1] [seq_list 20000]
        assert_equal [r lpos l 15000] 15000
        assert_equal [r lpos l 15000 rank -1] 15000
    }

    test {Edits in the middle of a big list split and shrink nodes without losing order} {
        r flushall
        fill_list l 5000 item-
        set model [seq_list 5000 item-]
        foreach i {2500 10 4990 1234 0} {
            set pivot [lindex $model $i]
            r linsert l before $pivot "new-$i"
            set model [linsert $model $i "new-$i"]
            r linsert l after $pivot [string repeat z 200]
            set model [linsert $model [expr {$i + 2}] [string repeat z 200]]
        }
        assert_equal [r lrange l 0 -1] $model
        r lset l 3000 [string repeat w 5000]
        lset model 3000 [string repeat w 5000]
        r lset l 3001 1
        lset model 3001 1
        assert_equal [r lrange l 0 -1] $model
        assert_equal [r lrem l 0 [string repeat z 200]] 5
        set model [lsearch -all -inline -not -exact $model [string repeat z 200]]
        assert_equal [r lrange l 0 -1] $model
        r ltrim l 100 -100
        set model [lrange $model 100 end-99]
        assert_equal [r lrange l 0 -1] $model
        assert_equal [r llen l] [llength $model]
    }

    test {Popping a big list from both ends with counts empties it exactly} {
        r flushall
        fill_list l 12000
        set got {}
        while {[r exists l]} {
            lappend got {*}[r lpop l 700]
            if {[r exists l]} { set got [concat $got [lreverse [r rpop l 900]]] }
        }
        assert_equal [llength $got] 12000
        assert_equal [lsort -integer $got] [seq_list 12000]
    }

    test {Large elements (bigger than a node) push, read and pop} {
        r flushall
        set big [string repeat abcdefgh 4000]
        r rpush l a $big b
        r lpush l $big
        assert_equal [r llen l] 4
        assert_equal [r lindex l 2] $big
        assert_equal [r lpos l b] 3
        assert_equal [r rpop l 2] [list b $big]
        assert_equal [r lpop l] $big
        assert_equal [r lrange l 0 -1] {a}
    }

    test {CONFIG list-max-listpack-size and list-compress-depth are accepted} {
        set old [lindex [r config get list-max-listpack-size] 1]
        assert_equal $old -2
        r config set list-max-listpack-size 4
        assert_equal [lindex [r config get list-max-listpack-size] 1] 4
        r config set list-compress-depth 1
        r flushall
        fill_list l 1000
        r linsert l before 500 x
        r lset l 10 y
        assert_equal [r lrange l 498 502] {498 499 x 500 501}
        assert_equal [r lindex l 10] y
        assert_equal [r lrem l 0 x] 1
        r config set list-max-listpack-size -5
        r rpush l {*}[seq_list 1000 b]
        assert_equal [r llen l] 2000
        assert_equal [r lindex l 1500] b500
        r config set list-max-listpack-size $old
        r config set list-compress-depth 0
    }
}

with_server {tags {list} overrides {list-max-listpack-size 1}} {
    test {With one element per node every command still works} {
        r rpush l a b c d e
        assert_equal [r linsert l after c x] 6
        assert_equal [r lrange l 0 -1] {a b c x d e}
        assert_equal [r lrem l 0 c] 1
        r lset l 0 z
        assert_equal [r lmove l l left right] z
        assert_equal [r lrange l 0 -1] {b x d e z}
        r ltrim l 1 -2
        assert_equal [r lrange l 0 -1] {x d e}
        assert_equal [r lpos l e] 2
        assert_equal [r rpop l 5] {e d x}
        assert_equal [r exists l] 0
    }
}

# list-compress-depth: inner nodes are LZF-compressed; nothing a client sees may change.
with_server {tags {list compress}} {
    proc zip_value {i} {
        # Repetitive enough for LZF, distinct enough that LREM/LINSERT pivots are rare.
        return "item-[expr {$i % 50}]-pattern-pattern-[expr {$i % 7}]"
    }
    proc zip_values {from to} {
        set out {}
        for {set i $from} {$i <= $to} {incr i} { lappend out [zip_value $i] }
        return $out
    }

    test {list-compress-depth 1 gives the same replies as depth 0 for every list command} {
        set old [lindex [r config get list-compress-depth] 1]
        r config set list-compress-depth 0
        r del plain
        r config set list-compress-depth 1
        r del zipped
        expr {srand(4242)}
        set ops {}
        for {set i 0} {$i < 6000} {incr i} {
            lappend ops [list rpush [zip_value $i]]
        }
        for {set i 0} {$i < 3000} {incr i} {
            set n [expr {int(rand() * 8)}]
            set v [zip_value [expr {int(rand() * 400)}]]
            set idx [expr {int(rand() * 5000) - 2500}]
            switch $n {
                0 { lappend ops [list lpush $v] }
                1 { lappend ops [list lpop] }
                2 { lappend ops [list rpop] }
                3 { lappend ops [list lindex $idx] }
                4 { lappend ops [list lset $idx $v] }
                5 { lappend ops [list linsert [expr {rand() < 0.5 ? "before" : "after"}] $v "new-$i"] }
                6 { lappend ops [list lrem [expr {int(rand() * 5) - 2}] $v] }
                7 { lappend ops [list lrange $idx [expr {$idx + 50}]] }
            }
            if {$i % 500 == 0} {
                lappend ops [list ltrim 3 -4]
            }
        }
        set diffs 0
        foreach op $ops {
            set cmd [lindex $op 0]
            set args [lrange $op 1 end]
            set a [catch {r $cmd plain {*}$args} ra]
            set b [catch {r $cmd zipped {*}$args} rb]
            if {$a != $b || $ra ne $rb} {
                incr diffs
                if {$diffs < 5} { puts "differs: $op -> $ra / $rb" }
            }
        }
        assert_equal $diffs 0
        assert_equal [r llen plain] [r llen zipped]
        assert_equal [r lrange plain 0 -1] [r lrange zipped 0 -1]
        assert_equal [r lrange plain -100 -1] [r lrange zipped -100 -1]
        assert_equal [r lpos plain [zip_value 7] COUNT 0] [r lpos zipped [zip_value 7] COUNT 0]
        r config set list-compress-depth $old
    }

    test {Depths 2 and 3 agree with depth 0 while a list grows and shrinks at both ends} {
        set old [lindex [r config get list-compress-depth] 1]
        foreach depth {2 3} {
            r config set list-compress-depth 0
            r del plain
            r rpush plain {*}[zip_values 0 2999]
            r config set list-compress-depth $depth
            r del zipped
            r rpush zipped {*}[zip_values 0 2999]
            for {set k 0} {$k < 2900} {incr k 97} {
                assert_equal [r lpop plain 50] [r lpop zipped 50]
                assert_equal [r rpop plain 47] [r rpop zipped 47]
                assert_equal [r lrange plain 0 -1] [r lrange zipped 0 -1]
                r lpush plain a b c
                r lpush zipped a b c
            }
        }
        r config set list-compress-depth $old
    }

    test {A compressible 100,000-element list uses far less memory at depth 1} {
        set old [lindex [r config get list-compress-depth] 1]
        set usage {}
        set grew {}
        foreach depth {0 1} {
            r flushall
            r config set list-compress-depth $depth
            set before [info_field [r info memory] used_memory]
            for {set i 0} {$i < 100000} {incr i 1000} {
                r rpush big {*}[zip_values $i [expr {$i + 999}]]
            }
            lappend grew [expr {[info_field [r info memory] used_memory] - $before}]
            lappend usage [r memory usage big samples 0]
            assert_equal [r lindex big 54321] [zip_value 54321]
        }
        lassign $usage u0 u1
        lassign $grew g0 g1
        assert {$u1 * 3 < $u0}
        assert {$g1 * 3 < $g0}
        r flushall
        r config set list-compress-depth $old
    }
}
