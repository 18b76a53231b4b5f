# tests/unit/keyspace.tcl: commands on keys and whole databases: DEL, UNLINK, EXISTS, TYPE,
# TOUCH, KEYS, SCAN, RENAME(NX), RANDOMKEY, DBSIZE, OBJECT, MEMORY USAGE/HELP, SWAPDB, MOVE,
# COPY, FLUSHDB, FLUSHALL. Only string values are used, so the suite runs before the other
# data types exist. Every expectation was checked against redis-server 7.0.

# Every key SCAN returns for a full iteration from cursor 0 (duplicates kept).
proc scan_all {args} {
    set cursor 0
    set keys {}
    while {1} {
        lassign [r scan $cursor {*}$args] cursor batch
        lappend keys {*}$batch
        if {$cursor eq "0"} { break }
    }
    return $keys
}

proc changes_since_save {} {
    return [info_field [r info persistence] rdb_changes_since_last_save]
}

with_server {tags {keyspace}} {
    # ---- DEL, UNLINK, EXISTS, TOUCH, TYPE -----------------------------------------------

    test {DEL returns how many keys it removed, counting a repeated key once} {
        r flushall
        r set a 1
        r set b 2
        assert_equal [r del a b a missing] 2
        assert_equal [r exists a b] 0
        assert_equal [r del a] 0
    }

    test {UNLINK removes keys and replies the count like DEL} {
        r mset u1 x u2 y
        assert_equal [r unlink u1 u2 u3] 2
        assert_equal [r dbsize] 0
    }

    test {DEL and UNLINK without keys are arity errors} {
        assert_error {ERR wrong number of arguments for 'del' command} {r del}
        assert_error {ERR wrong number of arguments for 'unlink' command} {r unlink}
    }

    test {DEL of a key whose TTL passed replies 0} {
        r set gone v px 1
        after 5
        assert_equal [r del gone] 0
    }

    test {EXISTS counts every argument, repeats included} {
        r flushall
        r set a 1
        assert_equal [r exists a] 1
        assert_equal [r exists a a a missing] 3
        assert_equal [r exists missing] 0
    }

    test {EXISTS on an expired key is 0} {
        r set e v px 1
        after 5
        assert_equal [r exists e] 0
    }

    test {TOUCH counts the keys that exist} {
        r flushall
        r mset a 1 b 2
        assert_equal [r touch a b missing a] 3
        assert_equal [r touch missing] 0
    }

    test {TYPE replies a status: string, or none for a missing key} {
        r set s v
        assert_equal [r rawcmd type s] "+string\r\n"
        assert_equal [r rawcmd type missing] "+none\r\n"
        r set ex v px 1
        after 5
        assert_equal [r type ex] none
    }

    # ---- KEYS ---------------------------------------------------------------------------

    test {KEYS * returns every key; an empty db gives an empty array} {
        r flushall
        assert_equal [r rawcmd keys *] "*0\r\n"
        r mset k1 a k2 b k3 c
        assert_equal [lsort [r keys *]] {k1 k2 k3}
    }

    test {KEYS glob: ? and * wildcards} {
        r flushall
        r mset hello 1 hallo 1 hllo 1 heeeello 1 world 1
        assert_equal [lsort [r keys h?llo]] {hallo hello}
        assert_equal [lsort [r keys h*llo]] {hallo heeeello hello hllo}
        assert_equal [lsort [r keys *o*]] {hallo heeeello hello hllo world}
        assert_equal [r keys w?] {}
    }

    test {KEYS glob: classes, ranges and negation with ^} {
        r flushall
        r mset hallo 1 hbllo 1 hcllo 1 hello 1 hxllo 1
        assert_equal [lsort [r keys {h[ae]llo}]] {hallo hello}
        assert_equal [lsort [r keys {h[a-c]llo}]] {hallo hbllo hcllo}
        assert_equal [lsort [r keys {h[^e]llo}]] {hallo hbllo hcllo hxllo}
        assert_equal [lsort [r keys {h[^a-c]llo}]] {hello hxllo}
    }

    test {KEYS glob: backslash escapes special characters} {
        r flushall
        r mset {a*b} 1 axb 1 {a?b} 1 {a[b} 1 {a\b} 1
        assert_equal [r keys {a\*b}] [list {a*b}]
        assert_equal [r keys {a\?b}] [list {a?b}]
        assert_equal [r keys {a\[b}] [list {a[b}]
        assert_equal [r keys {a\\b}] [list {a\b}]
        assert_equal [lsort [r keys {a?b}]] [lsort [list {a*b} axb {a?b} {a[b} {a\b}]]
    }

    test {KEYS matching is case-sensitive and binary-safe} {
        r flushall
        r set Key 1
        r set "bin\x00key" 2
        assert_equal [r keys key] {}
        assert_equal [r keys Key] {Key}
        assert_equal [r keys "bin\x00*"] [list "bin\x00key"]
    }

    test {KEYS skips keys whose TTL passed} {
        r flushall
        r debug set-active-expire 0
        r set live 1
        r set dead 1 px 1
        after 5
        assert_equal [r keys *] {live}
        r debug set-active-expire 1
    }

    # ---- SCAN ---------------------------------------------------------------------------

    test {SCAN on an empty db replies cursor 0 and no keys} {
        r flushall
        assert_equal [r rawcmd scan 0] "*2\r\n\$1\r\n0\r\n*0\r\n"
    }

    test {SCAN full iteration returns every key} {
        r flushall
        for {set i 0} {$i < 1000} {incr i} { r set key:$i $i }
        set keys [lsort -unique [scan_all]]
        assert_equal [llength $keys] 1000
        set keys [lsort -unique [scan_all count 100]]
        assert_equal [llength $keys] 1000
    }

    test {SCAN COUNT bounds the work of one call} {
        # 1000 keys with COUNT 5 cannot all come back in one call
        lassign [r scan 0 count 5] cursor batch
        assert {$cursor ne "0"}
        assert {[llength $batch] < 1000}
    }

    test {SCAN MATCH filters keys by glob} {
        r flushall
        for {set i 0} {$i < 100} {incr i} { r set a:$i 1; r set b:$i 1 }
        set keys [lsort -unique [scan_all match a:*]]
        assert_equal [llength $keys] 100
        foreach k $keys { assert_match a:* $k }
        assert_equal [scan_all match nomatch*] {}
        assert_equal [llength [lsort -unique [scan_all match *]]] 200
    }

    test {SCAN TYPE filters by type name, case-insensitively} {
        assert_equal [llength [lsort -unique [scan_all type string]]] 200
        assert_equal [llength [lsort -unique [scan_all type STRING]]] 200
        assert_equal [scan_all type list] {}
        # an unknown type name is not an error in 7.0: it matches nothing
        assert_equal [scan_all type nosuchtype] {}
        assert_equal [llength [lsort -unique [scan_all match a:1* type string count 50]]] 11
    }

    test {SCAN leaves out keys whose TTL passed} {
        r flushall
        r debug set-active-expire 0
        for {set i 0} {$i < 20} {incr i} { r set live:$i 1; r set dead:$i 1 px 1 }
        after 5
        assert_equal [llength [lsort -unique [scan_all]]] 20
        foreach k [scan_all] { assert_match live:* $k }
        r debug set-active-expire 1
    }

    test {SCAN cursor errors: junk, leading space, overflow} {
        assert_error {ERR invalid cursor} {r scan x}
        assert_error {ERR invalid cursor} {r scan 1x}
        assert_error {ERR invalid cursor} {r scan { 1}}
        assert_error {ERR invalid cursor} {r scan 18446744073709551616}
        assert_equal [r rawcmd scan abc] "-ERR invalid cursor\r\n"
    }

    test {SCAN accepts every cursor strtoul accepts: +1, 007, -1, empty, 2^64-1} {
        r flushall
        r set a 1
        foreach cur {+1 007 -1 {} 18446744073709551615} {
            set reply [r scan $cur]
            assert_equal [llength $reply] 2
        }
    }

    test {SCAN option errors} {
        assert_error {ERR syntax error} {r scan 0 count 0}
        assert_error {ERR syntax error} {r scan 0 count -1}
        assert_error {ERR value is not an integer or out of range} {r scan 0 count x}
        assert_error {ERR value is not an integer or out of range} {r scan 0 count 1.5}
        assert_error {ERR syntax error} {r scan 0 match}
        assert_error {ERR syntax error} {r scan 0 count}
        assert_error {ERR syntax error} {r scan 0 type}
        assert_error {ERR syntax error} {r scan 0 foo bar}
        assert_error {ERR syntax error} {r scan 0 count 10 match}
        # the cursor is checked before the options
        assert_error {ERR invalid cursor} {r scan x count 0}
        assert_error {ERR wrong number of arguments for 'scan' command} {r scan}
    }

    test {SCAN options are case-insensitive and may repeat} {
        r flushall
        r mset a 1 b 2
        lassign [r scan 0 MATCH a Count 10 TyPe string] cursor batch
        assert_equal $batch {a}
        lassign [r scan 0 match a match b count 5 count 100] cursor batch
        assert_equal $batch {b}
    }

    test {SCAN guarantee: keys present throughout are returned while the table grows and shrinks} {
        r flushall
        for {set i 0} {$i < 500} {incr i} { r set orig:$i $i }
        set cursor 0
        set seen {}
        set round 0
        while {1} {
            lassign [r scan $cursor count 20] cursor batch
            foreach k $batch { dict set seen $k 1 }
            if {$cursor eq "0"} { break }
            incr round
            if {$round % 4 == 1} {
                # grow: enough extra keys to force resizes
                set args {}
                for {set j 0} {$j < 400} {incr j} { lappend args extra:$round:$j x }
                r mset {*}$args
            } elseif {$round % 4 == 3} {
                # shrink: drop every extra key added so far
                set extras [r keys extra:*]
                if {[llength $extras]} { r del {*}$extras }
            }
        }
        for {set i 0} {$i < 500} {incr i} {
            assert {[dict exists $seen orig:$i]} "orig:$i was never returned"
        }
    }

    test {SCAN guarantee holds with a sparse table and small COUNT} {
        r flushall
        for {set i 0} {$i < 2000} {incr i} { r set tmp:$i x }
        for {set i 0} {$i < 50} {incr i} { r set keep:$i x }
        set cursor 0
        set seen {}
        set first 1
        while {1} {
            lassign [r scan $cursor count 3] cursor batch
            foreach k $batch { dict set seen $k 1 }
            if {$first} {
                # most of the table disappears after the first call
                set first 0
                set args {}
                for {set i 0} {$i < 2000} {incr i} { lappend args tmp:$i }
                r del {*}$args
            }
            if {$cursor eq "0"} { break }
        }
        for {set i 0} {$i < 50} {incr i} {
            assert {[dict exists $seen keep:$i]} "keep:$i was never returned"
        }
    }

    # ---- RENAME, RENAMENX -----------------------------------------------------------------

    test {RENAME moves the value, replacing the destination} {
        r flushall
        r set src v1
        r set dst v2
        assert_equal [r rename src dst] OK
        assert_equal [r get dst] v1
        assert_equal [r exists src] 0
    }

    test {RENAME carries the TTL and drops the destination's TTL} {
        r flushall
        r set src v ex 100
        r set dst w ex 1000
        r rename src dst
        assert_range [r ttl dst] 90 100
        r set plain v
        r set other w ex 1000
        r rename plain other
        assert_equal [r ttl other] -1
    }

    test {RENAME of a missing key is ERR no such key, also onto itself} {
        r flushall
        assert_equal [r rawcmd rename missing x] "-ERR no such key\r\n"
        assert_error {ERR no such key} {r rename missing missing}
    }

    test {RENAME of a key onto itself is OK and changes nothing} {
        r set same v ex 100
        assert_equal [r rename same same] OK
        assert_equal [r get same] v
        assert_range [r ttl same] 90 100
    }

    test {RENAMENX renames only when the destination is absent} {
        r flushall
        r set a 1
        r set b 2
        assert_equal [r renamenx a b] 0
        assert_equal [r get a] 1
        assert_equal [r renamenx a c] 1
        assert_equal [r get c] 1
        assert_equal [r exists a] 0
    }

    test {RENAMENX onto itself is 0; of a missing key an error} {
        r set self v
        assert_equal [r renamenx self self] 0
        assert_error {ERR no such key} {r renamenx missing x}
        assert_error {ERR no such key} {r renamenx missing missing}
    }

    # ---- RANDOMKEY, DBSIZE ----------------------------------------------------------------

    test {RANDOMKEY on an empty db is a null} {
        r flushall
        assert_equal [r rawcmd randomkey] "\$-1\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd randomkey] "_\r\n"
        $c close
    }

    test {RANDOMKEY returns one of the keys} {
        r mset a 1 b 2 c 3
        for {set i 0} {$i < 20} {incr i} {
            assert {[r randomkey] in {a b c}}
        }
        r flushall
        r set only 1
        assert_equal [r randomkey] only
    }

    test {DBSIZE counts the keys of the selected db only} {
        r flushall
        r mset a 1 b 2 c 3
        assert_equal [r rawcmd dbsize] ":3\r\n"
        r select 1
        assert_equal [r dbsize] 0
        r set x 1
        assert_equal [r dbsize] 1
        r select 0
        assert_equal [r dbsize] 3
    }

    # ---- OBJECT -------------------------------------------------------------------------

    test {OBJECT ENCODING reports int, embstr and raw as bulk strings} {
        r flushall
        r set i 12345
        r set e hello
        r set w [string repeat x 100]
        assert_equal [r rawcmd object encoding i] "\$3\r\nint\r\n"
        assert_equal [r object encoding e] embstr
        assert_equal [r object encoding w] raw
    }

    test {OBJECT subcommands on a missing key reply null (RESP2 and RESP3)} {
        foreach sub {encoding refcount idletime freq} {
            assert_equal [r rawcmd object $sub missing] "\$-1\r\n"
        }
        set c [redis_client]
        $c hello 3
        foreach sub {encoding refcount idletime freq} {
            assert_equal [$c rawcmd object $sub missing] "_\r\n"
        }
        $c close
    }

    test {OBJECT REFCOUNT: 1 for a plain value, INT_MAX for a shared integer} {
        r set s hello
        assert_equal [r object refcount s] 1
        r set n 5
        assert_equal [r object refcount n] 2147483647
    }

    test {OBJECT IDLETIME is a small integer for a fresh key} {
        r set idle v
        assert_range [r object idletime idle] 0 2
    }

    test {OBJECT FREQ is an error unless an LFU policy is set} {
        r config set maxmemory-policy allkeys-lru
        assert_equal [r rawcmd object freq s] "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"
    }

    test {Under an LFU policy OBJECT FREQ works and OBJECT IDLETIME is an error} {
        r config set maxmemory-policy allkeys-lfu
        r set f v
        assert_range [r object freq f] 0 255
        assert_equal [r rawcmd object idletime f] "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"
        r config set maxmemory-policy volatile-lfu
        assert_error {ERR An LFU maxmemory policy is selected*} {r object idletime f}
        r config set maxmemory-policy noeviction
        assert_error {ERR An LFU maxmemory policy is not selected*} {r object freq f}
        assert_range [r object idletime f] 0 100000000
    }

    test {OBJECT HELP is 15 status lines} {
        set raw [r rawcmd object help]
        assert_match "\*15\r\n+OBJECT <subcommand> *" $raw
        assert_equal [llength [r object help]] 15
        set c [redis_client]
        $c hello 3
        assert_match "\*15\r\n+*" [$c rawcmd object help]
        $c close
    }

    test {OBJECT errors: unknown subcommand and arity} {
        assert_equal [r rawcmd object foo] "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n"
        assert_error {ERR wrong number of arguments for 'object|encoding' command} {r object encoding}
        assert_error {ERR wrong number of arguments for 'object|encoding' command} {r object encoding a b}
        assert_error {ERR wrong number of arguments for 'object|help' command} {r object help x}
    }

    # ---- MEMORY -------------------------------------------------------------------------

    test {MEMORY USAGE is a positive integer that grows with the value} {
        r flushall
        r set small v
        r set big [string repeat x 10000]
        set s [r memory usage small]
        set b [r memory usage big]
        assert_range $s 16 200
        assert_range $b 10000 20000
        assert_equal [r memory usage big samples 0] $b
        assert_equal [r memory usage big SAMPLES 1 samples 5] $b
    }

    test {MEMORY USAGE of a missing key is null (RESP2 and RESP3)} {
        assert_equal [r rawcmd memory usage missing] "\$-1\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd memory usage missing] "_\r\n"
        $c close
    }

    test {MEMORY USAGE option errors} {
        assert_error {ERR syntax error} {r memory usage small samples -1}
        assert_error {ERR value is not an integer or out of range} {r memory usage small samples x}
        assert_error {ERR syntax error} {r memory usage small samples}
        assert_error {ERR syntax error} {r memory usage small foo 1}
        # options are checked before the key is looked up
        assert_error {ERR syntax error} {r memory usage missing foo}
        assert_error {ERR wrong number of arguments for 'memory|usage' command} {r memory usage}
    }

    test {MEMORY HELP is 14 status lines} {
        assert_match "\*14\r\n+MEMORY <subcommand> *" [r rawcmd memory help]
        assert_equal [llength [r memory help]] 14
        assert_error {ERR wrong number of arguments for 'memory|help' command} {r memory help x}
    }

    # ---- SWAPDB -------------------------------------------------------------------------

    test {SWAPDB exchanges the contents of two dbs, seen by every client} {
        r flushall
        r set k in0
        r select 1
        r set k in1
        r set only1 x
        r select 0
        set c [redis_client]
        $c select 1
        assert_equal [r swapdb 0 1] OK
        assert_equal [r get k] in1
        assert_equal [r dbsize] 2
        assert_equal [$c get k] in0
        assert_equal [$c dbsize] 1
        $c close
    }

    test {SWAPDB of a db with itself is OK} {
        assert_equal [r rawcmd swapdb 0 0] "+OK\r\n"
        assert_equal [r get k] in1
    }

    test {SWAPDB index errors} {
        assert_equal [r rawcmd swapdb x 0] "-ERR invalid first DB index\r\n"
        assert_equal [r rawcmd swapdb 0 x] "-ERR invalid second DB index\r\n"
        assert_error {ERR invalid first DB index} {r swapdb x y}
        assert_error {ERR invalid first DB index} {r swapdb 4294967296 0}
        assert_error {ERR invalid second DB index} {r swapdb 0 1.5}
        assert_error {ERR DB index is out of range} {r swapdb 0 16}
        assert_error {ERR DB index is out of range} {r swapdb -1 0}
        assert_error {ERR DB index is out of range} {r swapdb 0 2147483647}
    }

    # ---- MOVE ---------------------------------------------------------------------------

    test {MOVE moves a key and its TTL to another db} {
        r flushall
        r set m v ex 100
        assert_equal [r move m 1] 1
        assert_equal [r exists m] 0
        r select 1
        assert_equal [r get m] v
        assert_range [r ttl m] 90 100
        r select 0
    }

    test {MOVE replies 0 when the key is missing or the target has it} {
        assert_equal [r move missing 1] 0
        r set m here
        assert_equal [r move m 1] 0
        assert_equal [r get m] here
    }

    test {MOVE errors: same db, bad index, index range} {
        assert_equal [r rawcmd move m 0] "-ERR source and destination objects are the same\r\n"
        assert_error {ERR source and destination objects are the same} {r move missing 0}
        assert_error {ERR value is not an integer or out of range} {r move m x}
        assert_error {ERR value is not an integer or out of range} {r move m { 1}}
        assert_equal [r rawcmd move m 4294967296] "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"
        assert_error {ERR value is out of range, value must between*} {r move m -2147483649}
        assert_error {ERR DB index is out of range} {r move m 16}
        assert_error {ERR DB index is out of range} {r move m -1}
        assert_error {ERR DB index is out of range} {r move missing 2147483647}
    }

    # ---- COPY ---------------------------------------------------------------------------

    test {COPY duplicates a value; the copy is independent} {
        r flushall
        r set src hello
        assert_equal [r copy src dst] 1
        assert_equal [r get dst] hello
        r append src world
        assert_equal [r get dst] hello
        assert_equal [r get src] helloworld
    }

    test {COPY keeps the TTL} {
        r set t v ex 100
        r copy t t2
        assert_range [r ttl t2] 90 100
        r copy src nottl
        assert_equal [r ttl nottl] -1
    }

    test {COPY onto an existing key needs REPLACE} {
        r set a 1
        r set b 2
        assert_equal [r copy a b] 0
        assert_equal [r get b] 2
        assert_equal [r copy a b replace] 1
        assert_equal [r get b] 1
        assert_equal [r copy a b REPLACE replace] 1
    }

    test {COPY of a missing key is 0} {
        assert_equal [r copy missing x] 0
        assert_equal [r copy missing missing db 1] 0
        assert_equal [r exists x] 0
    }

    test {COPY DB copies into another db} {
        r flushall
        r set a v
        assert_equal [r copy a a db 1] 1
        assert_equal [r copy a b db 1] 1
        assert_equal [r copy a b db 1] 0
        assert_equal [r copy a b db 1 replace] 1
        # the last DB option wins
        assert_equal [r copy a c db 1 db 2] 1
        r select 1
        assert_equal [lsort [r keys *]] {a b}
        r select 2
        assert_equal [r get c] v
        r select 0
        assert_equal [r keys *] {a}
    }

    test {COPY errors} {
        assert_equal [r rawcmd copy a a] "-ERR source and destination objects are the same\r\n"
        assert_error {ERR source and destination objects are the same} {r copy a a db 0}
        assert_error {ERR source and destination objects are the same} {r copy missing missing}
        assert_error {ERR syntax error} {r copy a b db}
        assert_error {ERR syntax error} {r copy a b replace db}
        assert_error {ERR syntax error} {r copy a b foo}
        assert_error {ERR value is not an integer or out of range} {r copy a b db x}
        assert_error {ERR value is not an integer or out of range} {r copy a b db 01}
        assert_error {ERR value is out of range, value must between -2147483648 and 2147483647} {r copy a b db 4294967296}
        assert_error {ERR DB index is out of range} {r copy a b db 16}
        assert_error {ERR DB index is out of range} {r copy a b db -1}
        # options are parsed before the keys are examined
        assert_error {ERR DB index is out of range} {r copy missing x db 99}
        assert_error {ERR wrong number of arguments for 'copy' command} {r copy a}
    }

    # ---- FLUSHDB, FLUSHALL --------------------------------------------------------------

    test {FLUSHDB empties only the selected db} {
        r flushall
        r set a 1
        r select 1
        r set b 1
        assert_equal [r rawcmd flushdb] "+OK\r\n"
        assert_equal [r dbsize] 0
        r select 0
        assert_equal [r dbsize] 1
    }

    test {FLUSHDB and FLUSHALL accept ASYNC and SYNC in any case} {
        r set a 1
        assert_equal [r flushdb async] OK
        r set a 1
        assert_equal [r flushdb SYNC] OK
        assert_equal [r dbsize] 0
        r set a 1
        assert_equal [r flushall ASYNC] OK
        r set a 1
        assert_equal [r flushall sync] OK
        assert_equal [r dbsize] 0
    }

    test {FLUSHDB and FLUSHALL argument errors} {
        assert_error {ERR syntax error} {r flushdb x}
        assert_error {ERR syntax error} {r flushdb sync async}
        assert_error {ERR syntax error} {r flushall foo}
        assert_error {ERR syntax error} {r flushall async x}
    }

    test {FLUSHALL empties every db} {
        foreach db {0 1 5 15} { r select $db; r set k$db v }
        r select 0
        r flushall
        foreach db {0 1 5 15} {
            r select $db
            assert_equal [r dbsize] 0
        }
        r select 0
    }

    # ---- change counting ----------------------------------------------------------------

    test {Writes count changes: DEL, FLUSHDB and FLUSHALL one per removed key} {
        r flushall
        r mset a 1 b 2 c 3
        set before [changes_since_save]
        r del a b missing
        assert_equal [changes_since_save] [expr {$before + 2}]
        r set x 1
        set before [changes_since_save]
        r flushdb
        assert_equal [changes_since_save] [expr {$before + 2}]
        # nothing left to remove: no change counted
        set before [changes_since_save]
        r flushall
        assert_equal [changes_since_save] $before
        r set p 1
        r select 1
        r set q 1
        r select 0
        set before [changes_since_save]
        r flushall
        assert_equal [changes_since_save] [expr {$before + 2}]
        r set y 1
        set before [changes_since_save]
        r rename y z
        r copy z w
        r move w 1
        r swapdb 0 1
        assert_equal [changes_since_save] [expr {$before + 4}]
    }

    # ---- RESP3 --------------------------------------------------------------------------

    test {RESP3: SCAN, KEYS and TYPE keep their RESP2 shapes} {
        r flushall
        r set a 1
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd scan 0] "*2\r\n\$1\r\n0\r\n*1\r\n\$1\r\na\r\n"
        assert_equal [$c rawcmd keys *] "*1\r\n\$1\r\na\r\n"
        assert_equal [$c rawcmd type a] "+string\r\n"
        assert_equal [$c rawcmd exists a a] ":2\r\n"
        assert_equal [$c rawcmd rename missing x] "-ERR no such key\r\n"
        $c close
    }
}
