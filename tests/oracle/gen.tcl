# tests/oracle/gen.tcl: the seeded random command generator for the oracle.
#
# Owns the random sequences: a small key space so that commands collide, a
# mix of valid and invalid arguments, and only commands whose replies do not
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
