# tests/oracle/gen.tcl: the seeded random command generator for the oracle.
#
# Owns the random sequences: a small key space so that commands collide
# (strings, lists, hashes, sets and sorted sets share it, so WRONGTYPE is
# exercised too), a mix of valid and invalid arguments, and only commands
# whose replies do not
# depend on timing or hash order (no RANDOMKEY, SCAN, INFO, TIME; KEYS gets
# its reply sorted; TTL-like replies compare by sign; expiries are either far
# in the future, with values unique per command so that GT/LT comparisons
# never tie, or in the past). Knows nothing of servers.
# Start at ::gen::sequence.
#
# SPDX-License-Identifier: BSD-3-Clause

namespace eval ::gen {
    variable state 0
    variable uniq 0
    variable table {}       ;# command generator names, repeated by weight
}

# A 64-bit LCG of our own, so a seed means the same sequence on every Tcl.
proc ::gen::seed {s} {
    variable state
    variable uniq
    set state [expr {($s * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF}]
    set uniq 0
    next
    next
}

proc ::gen::next {} {
    variable state
    set state [expr {($state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF}]
    return [expr {$state >> 33}]
}

proc ::gen::rnd {n} { return [expr {[next] % $n}] }
proc ::gen::pick {lst} { return [lindex $lst [rnd [llength $lst]]] }
proc ::gen::chance {pct} { return [expr {[rnd 100] < $pct}] }

# ---- argument pools ---------------------------------------------------------

proc ::gen::key {} {
    if {[chance 2]} { return [pick [list "" "a b" "\x00k"]] }
    return [pick {k0 k1 k2 k3 k0 k1 k2 k3 k4 n1}]
}

proc ::gen::keys {min max} {
    set out {}
    set n [expr {$min + [rnd [expr {$max - $min + 1}]]}]
    for {set i 0} {$i < $n} {incr i} { lappend out [key] }
    return $out
}

proc ::gen::val {} {
    variable vals
    if {![info exists vals]} {
        set vals [list "" 0 1 -1 7 42 100 -100 9999 10000 \
            9223372036854775807 -9223372036854775808 9223372036854775808 \
            18446744073709551615 1234567890123456789 12345678901234567890 \
            3.14 -0.5 1e3 1.5e2 10.50 " 1" "1 " +1 007 0x1A -0 inf nan \
            abc hello "hello world" ohello helloworld "\x00\x01\xff" "a\r\nb" \
            [string repeat x 44] [string repeat y 45] [string repeat ab 30]]
    }
    return [pick $vals]
}

proc ::gen::int {} {
    return [pick {0 1 -1 2 3 5 10 100 -100 -3 abc "" 1.5 " 1" +1 007 -0 0x1 \
        9223372036854775807 -9223372036854775808 9223372036854775808 \
        -9223372036854775809 4611686018427387904}]
}

proc ::gen::float {} {
    return [pick {0 1 1.5 -1.5 0.1 3.0e-2 1e3 1e308 1e309 -1e309 inf -inf +inf nan \
        abc "" " 1" "1 " 5.0 -0 10 1.23456789012345678 0x10 .5 5.}]
}

proc ::gen::index {} {
    return [pick {0 1 2 3 -1 -2 -5 10 100 -100 abc 1.5 \
        9223372036854775807 -9223372036854775808}]
}

# Far-future relative expiries, unique per call and 10 s apart, so that an
# NX/XX/GT/LT decision never depends on how much time passed between calls.
proc ::gen::ex_rel {} {
    variable uniq
    return [expr {100000 + 10 * [incr uniq]}]
}
proc ::gen::px_rel {} { return [expr {[ex_rel] * 1000 + 7}] }
proc ::gen::ex_abs {} {
    if {[chance 20]} { return [pick {1 1000000}] }      ;# in the past
    variable uniq
    return [expr {4102444800 + 10 * [incr uniq]}]
}
proc ::gen::px_abs {} {
    if {[chance 20]} { return [pick {1 1000000000}] }
    return [expr {[ex_abs] * 1000 + 3}]
}
proc ::gen::bad_ttl {} {
    return [pick {0 -1 -100 abc "" 1.5 9223372036854775807 9999999999999999 \
        -9223372036854775808 9223372036854775}]
}

# An expiry option pair for SET/GETEX, sometimes invalid.
proc ::gen::ttl_opt {} {
    set o [pick {EX PX EXAT PXAT}]
    if {[chance 15]} { return [list $o [bad_ttl]] }
    switch -exact -- $o {
        EX { return [list EX [ex_rel]] }
        PX { return [list PX [px_rel]] }
        EXAT { return [list EXAT [ex_abs]] }
        PXAT { return [list PXAT [px_abs]] }
    }
}

proc ::gen::db {} { return [pick {0 1 2 0 1 16 -1 abc}] }

# ---- per-command generators: each returns {flags argv} -----------------------

proc ::gen::c_get {} { list {} [list GET [key]] }
proc ::gen::c_set {} {
    set a [list SET [key] [val]]
    set opts {}
    if {[chance 30]} { lappend opts {*}[pick {NX XX}] }
    if {[chance 40]} {
        if {[chance 20]} { lappend opts KEEPTTL } else { lappend opts {*}[ttl_opt] }
    }
    if {[chance 20]} { lappend opts GET }
    if {[chance 5]} { lappend opts [pick {NX XX EX KEEPTTL BOGUS PX GET}] }
    lappend a {*}$opts
    list {} $a
}
proc ::gen::c_setnx {} { list {} [list SETNX [key] [val]] }
proc ::gen::c_setex {} {
    set t [expr {[chance 80] ? [ex_rel] : [bad_ttl]}]
    list {} [list SETEX [key] $t [val]]
}
proc ::gen::c_psetex {} {
    set t [expr {[chance 80] ? [px_rel] : [bad_ttl]}]
    list {} [list PSETEX [key] $t [val]]
}
proc ::gen::c_getset {} { list {} [list GETSET [key] [val]] }
proc ::gen::c_getdel {} { list {} [list GETDEL [key]] }
proc ::gen::c_getex {} {
    set a [list GETEX [key]]
    switch -exact -- [rnd 5] {
        0 {}
        1 { lappend a PERSIST }
        2 - 3 { lappend a {*}[ttl_opt] }
        4 { lappend a {*}[pick {{EX 100 PX 100} {PERSIST EX 100} {BOGUS} {EX} {PERSIST PERSIST}}] }
    }
    list {} $a
}
proc ::gen::c_mget {} { list {} [list MGET {*}[keys 1 4]] }
proc ::gen::c_mset {} {
    set a [list MSET]
    set n [expr {1 + [rnd 3]}]
    for {set i 0} {$i < $n} {incr i} { lappend a [key] [val] }
    if {[chance 5]} { lappend a [key] }
    list {} $a
}
proc ::gen::c_msetnx {} {
    set a [list MSETNX]
    set n [expr {1 + [rnd 3]}]
    for {set i 0} {$i < $n} {incr i} { lappend a [key] [val] }
    if {[chance 5]} { lappend a [key] }
    list {} $a
}
proc ::gen::c_append {} { list {} [list APPEND [key] [val]] }
proc ::gen::c_strlen {} { list {} [list STRLEN [key]] }
proc ::gen::c_getrange {} { list {} [list [pick {GETRANGE SUBSTR}] [key] [index] [index]] }
proc ::gen::c_setrange {} {
    set off [pick {0 1 2 5 10 30 -1 abc 536870912 1.5}]
    list {} [list SETRANGE [key] $off [pick [list [val] "" X "\x00"]]]
}
proc ::gen::c_incr {} { list {} [list [pick {INCR DECR}] [key]] }
proc ::gen::c_incrby {} { list {} [list [pick {INCRBY DECRBY}] [key] [int]] }
proc ::gen::c_incrbyfloat {} { list {} [list INCRBYFLOAT [key] [float]] }
proc ::gen::c_lcs {} {
    set a [list LCS [key] [key]]
    foreach o {LEN IDX WITHMATCHLEN} { if {[chance 30]} { lappend a $o } }
    if {[chance 25]} { lappend a MINMATCHLEN [pick {0 1 2 3 -1 abc}] }
    if {[chance 3]} { lappend a BOGUS }
    list {} $a
}
proc ::gen::c_del {} { list {} [list [pick {DEL UNLINK}] {*}[keys 1 3]] }
proc ::gen::c_exists {} { list {} [list [pick {EXISTS TOUCH}] {*}[keys 1 3]] }
proc ::gen::c_type {} { list {} [list TYPE [key]] }
proc ::gen::c_keys {} {
    list sort [list KEYS [pick {* k* k? k[12] *1 n* "a b" "a*" \\* k[^0] k[0-2] "" x*}]]
}
proc ::gen::c_rename {} { list {} [list [pick {RENAME RENAMENX}] [key] [key]] }
proc ::gen::c_dbsize {} { list {} [list DBSIZE] }
proc ::gen::c_object {} {
    if {[chance 5]} { return [list {} [list OBJECT [pick {BOGUS encoding}]]] }
    list {} [list OBJECT ENCODING [key]]
}
proc ::gen::c_copy {} {
    set a [list COPY [key] [key]]
    if {[chance 40]} { lappend a DB [db] }
    if {[chance 40]} { lappend a REPLACE }
    if {[chance 3]} { lappend a BOGUS }
    list {} $a
}
proc ::gen::c_move {} { list {} [list MOVE [key] [db]] }
proc ::gen::c_swapdb {} { list {} [list SWAPDB [db] [db]] }
proc ::gen::c_select {} { list {} [list SELECT [db]] }
proc ::gen::c_flushdb {} {
    set a [list FLUSHDB]
    if {[chance 40]} { lappend a [pick {ASYNC SYNC async BOGUS}] }
    list {} $a
}
proc ::gen::c_flushall {} { list {} [list FLUSHALL] }
proc ::gen::expire_flag {} {
    if {[chance 60]} { return {} }
    if {[chance 10]} { return [pick {{NX XX} {GT LT} {NX GT} BOGUS}] }
    return [pick {NX XX GT LT}]
}
proc ::gen::c_expire {} {
    set t [expr {[chance 75] ? [ex_rel] : [bad_ttl]}]
    list {} [list EXPIRE [key] $t {*}[expire_flag]]
}
proc ::gen::c_pexpire {} {
    set t [expr {[chance 75] ? [px_rel] : [bad_ttl]}]
    list {} [list PEXPIRE [key] $t {*}[expire_flag]]
}
proc ::gen::c_expireat {} {
    set t [expr {[chance 85] ? [ex_abs] : [bad_ttl]}]
    list {} [list EXPIREAT [key] $t {*}[expire_flag]]
}
proc ::gen::c_pexpireat {} {
    set t [expr {[chance 85] ? [px_abs] : [bad_ttl]}]
    list {} [list PEXPIREAT [key] $t {*}[expire_flag]]
}
proc ::gen::c_ttl {} {
    list sign [list [pick {TTL PTTL EXPIRETIME PEXPIRETIME}] [key]]
}
proc ::gen::c_persist {} { list {} [list PERSIST [key]] }
proc ::gen::c_ping {} {
    if {[chance 50]} { return [list {} [list PING]] }
    list {} [list PING [val]]
}
proc ::gen::c_echo {} { list {} [list ECHO [val]] }
proc ::gen::c_unknown {} {
    list {} [list [pick {FOO getx SETT "" "a b"}] {*}[lrange [list [val] [val] [key]] 0 [rnd 3]]]
}

# ---- lists, hashes, sets, sorted sets ---------------------------------------
# Replies that depend on hash order are sorted (set members: hash-table sets
# have their own order) or avoided (SPOP, SRANDMEMBER, HRANDFIELD and
# ZRANDMEMBER pick at random; SSCAN of a table). Hashes and sorted sets stay
# small (listpack, insertion or score order), so their replies are ordered.
# Blocking forms are not generated: on one connection they would stall it.

proc ::gen::count {} { return [pick {0 1 2 3 5 -1 abc 100}] }
proc ::gen::side {} { return [pick {LEFT RIGHT LEFT RIGHT left UP}] }
proc ::gen::member {} {
    if {[chance 70]} { return [pick {a b c d e 1 2 3 10 -5}] }
    return [val]
}
proc ::gen::members {min max} {
    set out {}
    set n [expr {$min + [rnd [expr {$max - $min + 1}]]}]
    for {set i 0} {$i < $n} {incr i} { lappend out [member] }
    return $out
}

proc ::gen::c_push {} {
    list {} [list [pick {LPUSH RPUSH LPUSH RPUSH LPUSHX RPUSHX}] [key] {*}[members 1 4]]
}
proc ::gen::c_pop {} {
    set a [list [pick {LPOP RPOP}] [key]]
    if {[chance 40]} { lappend a [count] }
    list {} $a
}
proc ::gen::c_llen {} { list {} [list LLEN [key]] }
proc ::gen::c_lrange {} { list {} [list LRANGE [key] [index] [index]] }
proc ::gen::c_lindex {} { list {} [list LINDEX [key] [index]] }
proc ::gen::c_lset {} { list {} [list LSET [key] [index] [member]] }
proc ::gen::c_linsert {} {
    list {} [list LINSERT [key] [pick {BEFORE AFTER after MIDDLE}] [member] [member]]
}
proc ::gen::c_lrem {} { list {} [list LREM [key] [pick {0 1 -1 2 -2 abc}] [member]] }
proc ::gen::c_ltrim {} { list {} [list LTRIM [key] [index] [index]] }
proc ::gen::c_lpos {} {
    set a [list LPOS [key] [member]]
    if {[chance 40]} { lappend a RANK [pick {1 2 -1 -2 0 abc}] }
    if {[chance 40]} { lappend a COUNT [pick {0 1 2 -1}] }
    if {[chance 30]} { lappend a MAXLEN [pick {0 1 3 -1}] }
    list {} $a
}
proc ::gen::c_lmove {} {
    if {[chance 30]} { return [list {} [list RPOPLPUSH [key] [key]]] }
    list {} [list LMOVE [key] [key] [side] [side]]
}
proc ::gen::c_lmpop {} {
    set ks [keys 1 3]
    set n [expr {[chance 90] ? [llength $ks] : [pick {0 -1 5 abc}]}]
    set a [list LMPOP $n {*}$ks [side]]
    if {[chance 40]} { lappend a COUNT [count] }
    list {} $a
}

proc ::gen::field {} { return [pick {f1 f2 f3 f4 "" 1}] }
proc ::gen::c_hset {} {
    set a [list [pick {HSET HSET HMSET}] [key]]
    set n [expr {1 + [rnd 3]}]
    for {set i 0} {$i < $n} {incr i} { lappend a [field] [val] }
    list {} $a
}
proc ::gen::c_hsetnx {} { list {} [list HSETNX [key] [field] [val]] }
proc ::gen::c_hget {} { list {} [list HGET [key] [field]] }
proc ::gen::c_hmget {} { list {} [list HMGET [key] [field] [field] [field]] }
proc ::gen::c_hdel {} { list {} [list HDEL [key] [field] [field]] }
proc ::gen::c_hlen {} { list {} [list [pick {HLEN HSTRLEN HEXISTS}] [key] [field]] }
proc ::gen::c_hread {} {
    list {} [list [pick {HKEYS HVALS HGETALL}] [key]]
}
proc ::gen::c_hincr {} {
    if {[chance 50]} { return [list {} [list HINCRBY [key] [field] [int]]] }
    list {} [list HINCRBYFLOAT [key] [field] [float]]
}
proc ::gen::c_hscan {} {
    set a [list HSCAN [key] [pick {0 0 0 1 abc}]]
    if {[chance 30]} { lappend a MATCH [pick {f* * x}] }
    if {[chance 30]} { lappend a COUNT [pick {1 10 0}] }
    list {} $a
}

proc ::gen::c_sadd {} { list {} [list [pick {SADD SADD SREM}] [key] {*}[members 1 4]] }
proc ::gen::c_sread {} { list sort [list SMEMBERS [key]] }
proc ::gen::c_scard {} { list {} [list SCARD [key]] }
proc ::gen::c_sismember {} {
    if {[chance 50]} { return [list {} [list SISMEMBER [key] [member]]] }
    list {} [list SMISMEMBER [key] {*}[members 1 3]]
}
proc ::gen::c_smove {} { list {} [list SMOVE [key] [key] [member]] }
proc ::gen::c_setop {} {
    set op [pick {SINTER SUNION SDIFF SINTERSTORE SUNIONSTORE SDIFFSTORE SINTERCARD}]
    set ks [keys 1 3]
    switch -exact -- $op {
        SINTERSTORE - SUNIONSTORE - SDIFFSTORE { return [list {} [list $op [key] {*}$ks]] }
        SINTERCARD {
            set a [list $op [llength $ks] {*}$ks]
            if {[chance 30]} { lappend a LIMIT [pick {0 1 2 -1}] }
            return [list {} $a]
        }
    }
    list sort [list $op {*}$ks]
}

proc ::gen::score {} {
    return [pick {0 1 2 1.5 -1 10 -inf +inf inf 3e5 0.1 abc nan 1 2 3}]
}
proc ::gen::c_zadd {} {
    set a [list ZADD [key]]
    foreach o {NX XX GT LT CH INCR} { if {[chance 8]} { lappend a $o } }
    set n [expr {1 + [rnd 3]}]
    for {set i 0} {$i < $n} {incr i} { lappend a [score] [member] }
    list {} $a
}
proc ::gen::c_zincrby {} { list {} [list ZINCRBY [key] [score] [member]] }
proc ::gen::c_zrem {} { list {} [list ZREM [key] {*}[members 1 3]] }
proc ::gen::c_zcard {} { list {} [list ZCARD [key]] }
proc ::gen::c_zscore {} {
    if {[chance 50]} { return [list {} [list [pick {ZSCORE ZRANK ZREVRANK}] [key] [member]]] }
    list {} [list ZMSCORE [key] {*}[members 1 3]]
}
proc ::gen::zbound {} { return [pick {-inf +inf 0 1 (1 2 (2 1.5 abc -1}] }
proc ::gen::lexbound {} { return [pick {- + {[a} {(b} {[c} {(1} a}] }
proc ::gen::c_zcount {} {
    if {[chance 50]} { return [list {} [list ZCOUNT [key] [zbound] [zbound]]] }
    list {} [list ZLEXCOUNT [key] [lexbound] [lexbound]]
}
proc ::gen::c_zrange {} {
    set a [list ZRANGE [key]]
    switch -exact -- [rnd 3] {
        0 { lappend a [index] [index] }
        1 { lappend a [zbound] [zbound] BYSCORE }
        2 { lappend a [lexbound] [lexbound] BYLEX }
    }
    if {[chance 30]} { lappend a REV }
    if {[chance 30]} { lappend a LIMIT [pick {0 1}] [pick {1 2 -1}] }
    if {[chance 40]} { lappend a WITHSCORES }
    list {} $a
}
proc ::gen::c_zrangeby {} {
    set op [pick {ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX}]
    if {[string match *LEX $op]} {
        set a [list $op [key] [lexbound] [lexbound]]
    } else {
        set a [list $op [key] [zbound] [zbound]]
        if {[chance 40]} { lappend a WITHSCORES }
    }
    if {[chance 30]} { lappend a LIMIT [pick {0 1}] [pick {1 2 -1}] }
    list {} $a
}
proc ::gen::c_zremrange {} {
    switch -exact -- [rnd 3] {
        0 { list {} [list ZREMRANGEBYRANK [key] [index] [index]] }
        1 { list {} [list ZREMRANGEBYSCORE [key] [zbound] [zbound]] }
        2 { list {} [list ZREMRANGEBYLEX [key] [lexbound] [lexbound]] }
    }
}
proc ::gen::c_zpop {} {
    if {[chance 30]} {
        set ks [keys 1 2]
        set a [list ZMPOP [llength $ks] {*}$ks [pick {MIN MAX min BOTH}]]
        if {[chance 40]} { lappend a COUNT [count] }
        return [list {} $a]
    }
    set a [list [pick {ZPOPMIN ZPOPMAX}] [key]]
    if {[chance 40]} { lappend a [count] }
    list {} $a
}
proc ::gen::c_zsetop {} {
    set op [pick {ZUNION ZINTER ZDIFF ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ZINTERCARD}]
    set ks [keys 1 3]
    set a [list $op]
    if {[string match *STORE $op]} { lappend a [key] }
    lappend a [llength $ks] {*}$ks
    if {$op in {ZUNION ZINTER ZUNIONSTORE ZINTERSTORE}} {
        if {[chance 30]} {
            lappend a WEIGHTS
            foreach k $ks { lappend a [pick {1 2 -1 0.5 abc}] }
        }
        if {[chance 30]} { lappend a AGGREGATE [pick {SUM MIN MAX max BOGUS}] }
    }
    if {$op eq "ZINTERCARD" && [chance 30]} { lappend a LIMIT [pick {0 1 -1}] }
    if {$op in {ZUNION ZINTER ZDIFF} && [chance 40]} { lappend a WITHSCORES }
    list {} $a
}
proc ::gen::c_zrangestore {} {
    list {} [list ZRANGESTORE [key] [key] [index] [index]]
}
proc ::gen::c_zscan {} { list {} [list ZSCAN [key] 0] }

proc ::gen::init_table {} {
    variable table
    set table {}
    foreach {name w} {
        get 8 set 10 setnx 2 setex 2 psetex 2 getset 2 getdel 2 getex 3
        mget 3 mset 3 msetnx 2 append 4 strlen 2 getrange 3 setrange 3
        incr 4 incrby 4 incrbyfloat 4 lcs 2 del 3 exists 3 type 2 keys 2
        rename 2 dbsize 1 object 3 copy 2 move 2 swapdb 1 select 2 flushdb 1
        flushall 1 expire 3 pexpire 2 expireat 2 pexpireat 1 ttl 4 persist 2
        ping 1 echo 1 unknown 1
        push 8 pop 4 llen 2 lrange 3 lindex 2 lset 2 linsert 2 lrem 2 ltrim 2
        lpos 2 lmove 3 lmpop 2
        hset 5 hsetnx 1 hget 2 hmget 1 hdel 2 hlen 2 hread 3 hincr 2 hscan 1
        sadd 5 sread 2 scard 1 sismember 2 smove 2 setop 4
        zadd 6 zincrby 2 zrem 2 zcard 1 zscore 2 zcount 2 zrange 4 zrangeby 3
        zremrange 2 zpop 3 zsetop 3 zrangestore 1 zscan 1
    } {
        for {set i 0} {$i < $w} {incr i} { lappend table $name }
    }
}

# Spells a command name in upper, lower or mixed case: dispatch must not care,
# and error texts must use the canonical lowercase name.
proc ::gen::spell {name} {
    switch -exact -- [rnd 4] {
        0 { return [string tolower $name] }
        1 {
            set out ""
            foreach ch [split $name ""] {
                append out [expr {[chance 50] ? [string tolower $ch] : $ch}]
            }
            return $out
        }
        default { return $name }
    }
}

# Returns n items {flags argv} for the given seed.
proc ::gen::sequence {seed n} {
    variable table
    seed $seed
    init_table
    set out {}
    for {set i 0} {$i < $n} {incr i} {
        lassign [c_[pick $table]] flags argv
        lset argv 0 [spell [lindex $argv 0]]
        # a few commands get one argument too few or too many
        if {[chance 2] && [llength $argv] > 1} {
            set argv [lrange $argv 0 end-1]
        } elseif {[chance 1]} {
            lappend argv [val]
        }
        lappend out [list $flags $argv]
    }
    return $out
}
