# tests/unit/sort.tcl: SORT and SORT_RO over lists, sets and sorted sets: numeric and ALPHA
# order, ASC/DESC, LIMIT, BY (nosort, string and hash weights), GET (#, strings, hash
# fields, missing), STORE (list result, empty result deletes, TTL dropped, wakes BLPOP),
# errors and their order, WRONGTYPE, RESP2 and RESP3 bytes, MULTI, and 10,000 elements.
# Every expectation was checked against redis-server 7.0.15 with the same suite.

with_server {tags {sort}} {
    # ---- order ---------------------------------------------------------------------------

    test {SORT orders a list numerically, breaking ties by bytes} {
        r flushall
        r rpush l 3 1 2 10 -1 2.5 1.0 01 inf -inf
        assert_equal [r sort l] {-inf -1 01 1 1.0 2 2.5 3 10 inf}
        assert_equal [r sort l desc] {inf 10 3 2.5 2 1.0 1 01 -1 -inf}
        assert_equal [r sort_ro l asc] [r sort l]
    }

    test {SORT reads weights with strtod: spaces, hex and the empty string pass} {
        r flushall
        r rpush l " 5" 0x10 "" 3
        assert_equal [r sort l] [list "" 3 " 5" 0x10]
    }

    test {SORT with a weight that is not a double is an error, and STORE leaves dst alone} {
        r flushall
        r rpush l 1 2 x
        assert_error "ERR One or more scores can't be converted into double" {r sort l}
        foreach bad {nan 1e400 1e-400 "5 " abc} {
            r del b
            r rpush b $bad
            assert_error "ERR One or more scores*" {r sort b}
        }
        r rpush d keep
        assert_error "ERR One or more scores*" {r sort l store d}
        assert_equal [r lrange d 0 -1] {keep}
        # ALPHA and BY nosort never read weights
        assert_equal [r sort l alpha] {1 2 x}
        assert_equal [r sort l by nosort] {1 2 x}
    }

    test {SORT ALPHA compares text; ALPHA STORE compares bytes} {
        r flushall
        r rpush l b A a B 10 9 _
        assert_equal [r sort l alpha] {10 9 A B _ a b}
        assert_equal [r sort l alpha desc] {b a _ B A 9 10}
        assert_equal [r sort l alpha store d] 7
        assert_equal [r lrange d 0 -1] {10 9 A B _ a b}
    }

    test {SORT on sets and sorted sets, and a missing key is empty} {
        r flushall
        r sadd s 5 3 9 1 -2
        r zadd z 1 c 2 b 3 a 4 d
        assert_equal [r sort s] {-2 1 3 5 9}
        assert_equal [r sort s desc limit 0 2] {9 5}
        assert_equal [r sort z alpha] {a b c d}
        assert_equal [r sort nokey] {}
        assert_equal [r rawcmd sort nokey] "*0\r\n"
        assert_equal [r sort_ro nokey alpha desc limit 0 3] {}
    }

    test {Options come in any order and later ones win} {
        r flushall
        r rpush l 3 1 2
        assert_equal [r sort l desc asc] {1 2 3}
        assert_equal [r sort l asc desc] {3 2 1}
        assert_equal [r sort l limit 0 1 limit 1 1] {2}
        assert_equal [r SORT l DeSc LiMiT 0 2 AlPhA] {3 2}
    }

    # ---- LIMIT ---------------------------------------------------------------------------

    test {SORT LIMIT clamps offsets and counts like Redis} {
        r flushall
        r rpush l 6 5 4 3 2 1
        assert_equal [r sort l limit 0 2] {1 2}
        assert_equal [r sort l limit 4 10] {5 6}
        assert_equal [r sort l limit 6 1] {}
        assert_equal [r sort l limit -5 2] {1 2}
        assert_equal [r sort l limit 2 -1] {3 4 5 6}
        assert_equal [r sort l limit 2 0] {}
        assert_equal [r sort l limit 5 9223372036854775807] {6}
        assert_equal [r sort l limit 9223372036854775807 9223372036854775807] {}
        assert_equal [r sort l limit -9223372036854775808 -9223372036854775808] {1 2 3 4 5 6}
    }

    test {SORT LIMIT argument errors} {
        r flushall
        r rpush l 1
        assert_error "ERR value is not an integer or out of range" {r sort l limit 0 x}
        assert_error "ERR value is not an integer or out of range" {r sort l limit 1.5 1}
        assert_error "ERR syntax error" {r sort l limit 1}
        assert_error "ERR syntax error" {r sort l limit}
    }

    # ---- BY nosort -----------------------------------------------------------------------

    test {BY nosort keeps list order; DESC and LIMIT read the range from the tail} {
        r flushall
        r rpush l c b a d
        assert_equal [r sort l by nosort] {c b a d}
        assert_equal [r sort l by nosort desc] {d a b c}
        assert_equal [r sort l by nosort limit 1 2] {b a}
        assert_equal [r sort l by nosort limit 1 2 desc] {a b}
        assert_equal [r sort l by nosort limit 3 -1 desc] {c}
        assert_equal [r sort l by nosort limit 10 1] {}
        # any pattern without '*' means no sorting
        assert_equal [r sort l by nokey alpha] {c b a d}
    }

    test {BY nosort on a sorted set keeps score order, reversed by DESC} {
        r flushall
        r zadd z 1 c 2 b 3 a 4 d
        assert_equal [r sort z by nosort] {c b a d}
        assert_equal [r sort z by nosort desc] {d a b c}
        assert_equal [r sort z by nosort limit 1 2] {b a}
        assert_equal [r sort z by nosort limit 1 2 desc] {a b}
        assert_equal [r sort z by nosort limit 2 9223372036854775807 desc] {b c}
    }

    test {SORT converts a small sorted set to skiplist, as Redis does} {
        r flushall
        r zadd z 1 a
        assert_encoding listpack z
        assert_error "ERR syntax error" {r sort z foo}
        assert_encoding listpack z
        assert_equal [r sort_ro z by nosort] {a}
        assert_encoding skiplist z
        assert_equal [r zrange z 0 -1 withscores] {a 1}
    }

    test {BY nosort on a set: intset order, but STORE sorts it by bytes} {
        r flushall
        r sadd s 5 3 9 1
        assert_equal [r sort s by nosort] {1 3 5 9}
        # DESC alone does not reverse an unsorted set
        assert_equal [r sort s by nosort limit 1 2 desc] {3 5}
        assert_equal [r sort s by nosort desc store d] 4
        assert_equal [r lrange d 0 -1] {9 5 3 1}
        r sadd h x y 10 2
        assert_equal [r sort h by nosort store d] 4
        assert_equal [r lrange d 0 -1] {10 2 x y}
        assert_equal [lsort [r sort h by nosort]] {10 2 x y}
    }

    # ---- BY and GET patterns -------------------------------------------------------------

    test {BY and GET patterns: strings, hash fields, # and missing keys} {
        r flushall
        r rpush l 1 2 3 4
        r mset w_1 30 w_2 10 w_3 20 w_4 10 o_1 one o_2 two o_4 four
        r hset h_1 f 3 g x
        r hset h_2 f 1
        r hset h_3 f 2 g z
        r hset h_4 f 1.5 g-> arrow
        # equal weights (w_2, w_4) fall back to the elements' bytes
        assert_equal [r sort l by w_*] {2 4 3 1}
        assert_equal [r sort l by w_* desc] {1 3 4 2}
        assert_equal [r sort l by w_* get o_* get #] {two 2 four 4 {} 3 one 1}
        assert_equal [r sort l by h_*->f get h_*->f] {1 1.5 2 3}
        assert_equal [r sort l get h_*->g] {x {} z {}}
        # wrong types, no '*', a field on a string key: all nil
        assert_equal [r sort l limit 0 1 get nostar get w_*->f get h_*] {{} {} {}}
        # only the first "->" after the '*' starts the field name
        assert_equal [r sort l limit 3 1 get h_*->g->] {arrow}
        # "->" at the very end is part of the key name
        assert_equal [r sort l limit 0 1 get h_*->] {{}}
        r set h_1-> k
        assert_equal [r sort l limit 0 1 get h_*->] {k}
        # only "#" alone is the element; only the first '*' is substituted
        assert_equal [r sort l limit 0 1 get ## get **] {{} {}}
    }

    test {BY with missing weights: 0 numerically, first under ALPHA} {
        r flushall
        r rpush l a b c
        r mset wa 3 wc 1
        assert_equal [r sort l by w*] {b c a}
        assert_equal [r sort l by w* alpha] {b c a}
        assert_equal [r sort l by w* alpha desc] {a c b}
        r set wb x
        assert_error "ERR One or more scores*" {r sort l by w*}
        assert_equal [r sort l by w* alpha] {c a b}
        assert_equal [r sort l by nosort get w*] {3 x 1}
    }

    test {BY and GET on a sorted set and a set} {
        r flushall
        r zadd z 1 a 2 b 3 c
        r sadd s a b c
        r mset w_a 3 w_b 1 w_c 2 n_a A n_b B
        assert_equal [r sort z by w_* get n_* get #] {B b {} c A a}
        assert_equal [r sort s by w_* desc get #] {a c b}
    }

    test {GET results in RESP2 and RESP3: nil is $-1 or _} {
        r flushall
        r rpush l 1 2
        r set o_1 one
        assert_equal [r rawcmd sort l get o_* get #] \
            "*4\r\n\$3\r\none\r\n\$1\r\n1\r\n\$-1\r\n\$1\r\n2\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd sort l get o_* get #] \
            "*4\r\n\$3\r\none\r\n\$1\r\n1\r\n_\r\n\$1\r\n2\r\n"
        assert_equal [$c rawcmd sort l store d] ":2\r\n"
        assert_equal [$c rawcmd sort nokey] "*0\r\n"
        $c close
    }

    # ---- STORE ---------------------------------------------------------------------------

    test {SORT STORE writes a list, replies its length and drops dst's old value and TTL} {
        r flushall
        r rpush l 3 1 2
        r set d x ex 100
        assert_equal [r sort l store d] 3
        assert_equal [r type d] list
        assert_equal [r ttl d] -1
        assert_equal [r lrange d 0 -1] {1 2 3}
        # storing onto the source itself
        assert_equal [r sort l desc store l] 3
        assert_equal [r lrange l 0 -1] {3 2 1}
    }

    test {SORT STORE stores a missing GET value as an empty string} {
        r flushall
        r rpush l 1 2
        r set o_2 two
        assert_equal [r sort l get o_* get # store d] 4
        assert_equal [r lrange d 0 -1] {{} 1 two 2}
    }

    test {SORT STORE with an empty result deletes dst} {
        r flushall
        r set d x
        assert_equal [r sort nokey store d] 0
        assert_equal [r exists d] 0
        r rpush l 1
        r set d x
        assert_equal [r sort l limit 5 1 store d] 0
        assert_equal [r exists d] 0
    }

    test {SORT STORE wakes a client blocked on the destination} {
        r flushall
        r rpush l 3 1 2
        set rd [redis_deferring_client]
        $rd blpop d 5
        wait_for_condition 200 5 {[info_field [r info clients] blocked_clients] == 1} \
            "BLPOP did not block"
        assert_equal [r sort l store d] 3
        assert_equal [$rd read] {d 1}
        assert_equal [r lrange d 0 -1] {2 3}
        $rd close
    }

    test {SORT STORE inside MULTI and the last STORE wins} {
        r flushall
        r rpush l 1 2
        r multi
        r sort l desc
        r sort l store d1 store d2
        assert_equal [r exec] {{2 1} 2}
        assert_equal [r exists d1 d2] 1
        assert_equal [r lrange d2 0 -1] {1 2}
    }

    test {SORT STORE invalidates WATCH on the destination} {
        r flushall
        r rpush l 1
        r watch d
        set c [redis_client]
        $c sort l store d
        $c close
        r multi
        r ping
        assert_equal [r exec] {}
    }

    # ---- errors --------------------------------------------------------------------------

    test {SORT errors: syntax before WRONGTYPE, SORT_RO refuses STORE} {
        r flushall
        r set str x
        r hset h f v
        r rpush l 1
        assert_error "WRONGTYPE*" {r sort str}
        assert_error "WRONGTYPE*" {r sort_ro h}
        assert_error "WRONGTYPE*" {r sort str store d}
        assert_error "ERR syntax error" {r sort str foo}
        assert_error "ERR value is not an integer*" {r sort str limit 0 x}
        assert_error "ERR syntax error" {r sort_ro l store d}
        assert_error "ERR syntax error" {r sort l store}
        assert_error "ERR syntax error" {r sort l by}
        assert_error "ERR syntax error" {r sort l get}
        assert_error "ERR wrong number of arguments for 'sort' command" {r sort}
        assert_error "ERR wrong number of arguments for 'sort_ro' command" {r sort_ro}
        assert_equal [r exists d] 0
    }

    test {COMMAND INFO of SORT and SORT_RO} {
        set info [r command info sort sort_ro]
        assert_equal [lrange [lindex $info 0] 0 5] {sort -2 {write denyoom movablekeys} 1 1 1}
        assert_equal [lindex $info 0 6] {@write @set @sortedset @list @slow @dangerous}
        assert_equal [lrange [lindex $info 1] 0 5] {sort_ro -2 {readonly movablekeys} 1 1 1}
        assert_equal [lindex $info 1 6] {@read @set @sortedset @list @slow @dangerous}
    }

    # ---- big inputs ----------------------------------------------------------------------

    test {SORT of 10,000 elements numerically, ALPHA and BY, and STORE} {
        r flushall
        set vals {}
        for {set i 0} {$i < 10000} {incr i} {
            lappend vals [expr {($i * 7919) % 10007}]
        }
        r rpush l {*}$vals
        r sadd s {*}$vals
        r zadd z {*}[concat {*}[lmap v $vals {list [expr {-$v}] $v}]]
        set want [lsort -integer $vals]
        assert_equal [r sort l] $want
        assert_equal [r sort s] $want
        assert_equal [r sort z] $want
        assert_equal [r sort z by nosort] [lreverse $want]
        assert_equal [r sort l alpha] [lsort $vals]
        assert_equal [r sort l desc limit 10 5] [lrange [lreverse $want] 10 14]
        # weights reverse the order: w_<v> = -v
        set args {}
        foreach v [lrange $vals 0 999] { lappend args w_$v [expr {-$v}] }
        r mset {*}$args
        r del l2
        r rpush l2 {*}[lrange $vals 0 999]
        assert_equal [r sort l2 by w_*] [lreverse [lsort -integer [lrange $vals 0 999]]]
        assert_equal [r sort l store d] 10000
        assert_equal [r lrange d 0 4] [lrange $want 0 4]
        assert_equal [r llen d] 10000
    }
}
