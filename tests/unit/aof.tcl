# tests/unit/aof.tcl: the append-only file. The command stream kvd writes to its incr file is
# compared byte for byte with what a real redis-server 7.0 writes for the same commands (only
# absolute millisecond times differ, and are masked); restarts of every type; a real Redis
# started on kvd's appendonlydir and kvd on Redis's; truncated tails per aof-load-truncated;
# CONFIG SET appendonly; BGREWRITEAOF; kill -9 under appendfsync always loses no acknowledged
# write. Cost: about 15 s (restarts, a few seconds of expiry waits).

set ::aof_redis /usr/bin/redis-server

# ---- helpers ----------------------------------------------------------------------------

proc aof_read_file {path} {
    set f [open $path rb]
    set d [read $f]
    close $f
    return $d
}

# The files of dir/appendonlydir in manifest order: {base incr...}
proc aof_manifest {dir} {
    set files {}
    foreach line [split [aof_read_file [file join $dir appendonlydir appendonly.aof.manifest]] \n] {
        if {[regexp {^file (\S+) seq (\d+) type ([bhi])} $line -> name seq type] && $type ne "h"} {
            lappend files [list $name $seq $type]
        }
    }
    return $files
}

proc aof_last_incr {dir} {
    set last ""
    foreach e [aof_manifest $dir] {
        if {[lindex $e 2] eq "i"} { set last [lindex $e 0] }
    }
    return [file join $dir appendonlydir $last]
}

# Absolute times depend on the clock: masked.
proc aof_mask {bytes} {
    regsub -all {\$13\r\n1\d{12}\r\n} $bytes "\$13\r\nTS\r\n" bytes
    return $bytes
}

proc aof_printable {bytes} {
    return [string map [list "\r\n" " "] $bytes]
}

# Starts bin (kvd or redis) with appendonly yes in a fresh dir; returns the server dict with
# a client under key c.
proc aof_start {bin {extra {}} {dir ""}} {
    set ov [list appendonly yes {*}$extra]
    if {$dir ne ""} { lappend ov dir $dir }
    set s [::kvd::start $ov $bin]
    dict set s c [::resp::connect 127.0.0.1 [dict get $s port] 0]
    return $s
}

proc aof_stop {s} {
    catch {[dict get $s c] close}
    ::kvd::stop $s
}

# Runs each command (a list) on both servers; "sleep ms" pauses both.
proc aof_both {a b cmds} {
    foreach cmd $cmds {
        if {[lindex $cmd 0] eq "sleep"} { after [lindex $cmd 1]; continue }
        foreach s [list $a $b] {
            catch {[dict get $s c] {*}$cmd}
        }
    }
}

# Same data in both: keys of dbs 0-3 with type, contents and whether a TTL is set.
proc aof_snapshot {c} {
    set out {}
    foreach db {0 1 2 3} {
        $c select $db
        foreach k [lsort [$c keys *]] {
            set t [$c type $k]
            switch $t {
                string { set v [$c get $k] }
                list { set v [$c lrange $k 0 -1] }
                set { set v [lsort [$c smembers $k]] }
                zset { set v [$c zrange $k 0 -1 withscores] }
                hash { set v [lsort -stride 2 [$c hgetall $k]] }
                default { set v ? }
            }
            lappend out $db $k $t $v [expr {[$c pttl $k] > 0}]
        }
    }
    $c select 0
    return $out
}

proc aof_fill {c} {
    $c set s:int 12345
    $c set s:str hello
    $c set s:long [string repeat abcdefgh 20]
    $c rpush l a b 1 2
    set items {}
    for {set i 0} {$i < 300} {incr i} { lappend items "item-$i" }
    $c rpush l:big {*}$items
    $c hset h f1 v1 f2 2
    $c sadd st 1 2 3
    $c sadd st:s a b c
    $c zadd z 1 a 2.5 b -3 c
    $c set ttl v px 500000
    $c select 3
    $c set other yes
    $c select 0
}

# Waits until INFO persistence shows no rewrite running (bounded).
proc aof_wait_rewrite {c} {
    wait_for_condition 100 50 {
        [info_field [$c info persistence] aof_rewrite_in_progress] == 0 &&
        [info_field [$c info persistence] aof_rewrite_scheduled] == 0
    } "rewrite did not finish"
}

# ---- propagation compared with a real redis-server --------------------------------------

test "AOF: the incr file matches Redis 7.0 byte for byte (TTL rewrites, pops, MULTI, scripts)" {
    set a [aof_start $::aof_redis]
    set b [aof_start [::kvd::binary_path]]
    set ka [dict get $a c]
    set kb [dict get $b c]
    aof_both $a $b {
        {set a 1} {expire a 100} {pexpire a 100000} {expireat a 4000000000} {expire a 100 nx}
        {expire a 200 xx} {pexpireat a 4000000000000 xx}
        {setex b 100 v} {psetex b 100000 v} {set c v ex 100} {set c v px 100 get}
        {set c v keepttl} {set c v exat 4000000000} {set c v pxat 4000000000000}
        {getex c ex 100} {getex c persist} {getex c} {persist c}
        {sadd s a} {spop s} {sadd s2 a b c} {spop s2 5} {spop nokey}
        {incrbyfloat f 1.5} {hincrbyfloat h f 2.5} {getdel f} {getdel f}
        {del nokey} {expire a -1} {set z 1 nx} {set z 2 nx}
        {rpush l a b c d e} {blpop l 0} {brpop l 0} {blmove l l2 left right 0}
        {brpoplpush l l3 0} {lmpop 1 l2 left} {blmpop 0 1 l3 right count 5}
        {zadd zz 1 a 2 b 3 c 4 d} {bzpopmin zz 0} {bzpopmax zz 0} {zmpop 1 zz min}
        {bzmpop 0 1 zz max count 9} {zpopmin zz}
        {multi} {set m1 1} {exec}
        {multi} {set m1 2} {incr m2} {get m1} {select 2} {set m3 x} {exec}
        {multi} {get m1} {exec}
        {set after 1}
        {eval "redis.call('set','e1','1'); redis.call('incr','e2'); return 1" 0}
        {eval "redis.call('set','e1','1'); return 1" 0}
        {eval "return redis.call('get','e1')" 0}
        {debug set-active-expire 0}
        {set lz 1 px 1} {sleep 20} {set lz 2}
        {set lz2 1 px 1} {sleep 20} {get lz2}
        {debug set-active-expire 1}
        {set ac 1 px 1} {sleep 400}
        {copy m1 m4} {move m4 5} {rename m1 m5} {lpush q a} {lpop q} {lpop q}
        {select 1} {set d1 x} {select 0} {swapdb 0 1} {flushdb} {flushall}
    }
    after 200
    set fa [aof_mask [aof_read_file [aof_last_incr [dict get $a dir]]]]
    set fb [aof_mask [aof_read_file [aof_last_incr [dict get $b dir]]]]
    aof_stop $a
    aof_stop $b
    assert_equal [aof_printable $fb] [aof_printable $fa]
}

test "AOF: a blocked client served later is written as the plain pop, as Redis 7.0" {
    set a [aof_start $::aof_redis]
    set b [aof_start [::kvd::binary_path]]
    set cmds {
        {blmove k1 d1 LEFT right 5} {brpoplpush k2 d2 5} {blmpop 5 1 k3 right}
        {blmpop 5 1 k4 left count 5} {bzpopmax k5 5} {bzmpop 5 1 k6 min count 2} {blpop k7 5}
    }
    foreach s [list $a $b] {
        set ds {}
        foreach cmd $cmds {
            set d [::resp::connect 127.0.0.1 [dict get $s port] 1]
            $d {*}$cmd
            lappend ds $d
            # each waiter must be blocked before the next key gets data
        }
        set c [dict get $s c]
        wait_for_condition 100 20 {[info_field [$c info clients] blocked_clients] == 7} "not blocked"
        foreach k {k1 k2 k3 k4 k7} { $c rpush $k x y z }
        $c zadd k5 1 a 2 b 3 c
        $c zadd k6 1 a 2 b 3 c
        foreach d $ds { $d read; $d close }
    }
    after 200
    set fa [aof_mask [aof_read_file [aof_last_incr [dict get $a dir]]]]
    set fb [aof_mask [aof_read_file [aof_last_incr [dict get $b dir]]]]
    aof_stop $a
    aof_stop $b
    assert_equal [aof_printable $fb] [aof_printable $fa]
}

test "AOF: nothing is written while appendonly is no" {
    set s [::kvd::start {}]
    set c [::resp::connect 127.0.0.1 [dict get $s port] 0]
    $c set a 1
    assert_equal 0 [info_field [$c info persistence] aof_enabled]
    set exists [file exists [file join [dict get $s dir] appendonlydir]]
    $c close
    ::kvd::stop $s
    assert_equal 0 $exists
}

# ---- restarts and interop ---------------------------------------------------------------

test "AOF: every type survives a restart, and again after BGREWRITEAOF" {
    set s [aof_start [::kvd::binary_path]]
    set c [dict get $s c]
    aof_fill $c
    set before [aof_snapshot $c]
    set dir [dict get $s dir]
    aof_stop $s
    set s [aof_start [::kvd::binary_path] {} $dir]
    set c [dict get $s c]
    assert_equal $before [aof_snapshot $c]
    assert_equal {Background append only file rewriting started} [$c bgrewriteaof]
    $c set added-after-fork 1
    aof_wait_rewrite $c
    assert_equal 1 [info_field [$c info persistence] aof_rewrites]
    set m [aof_manifest $dir]
    assert_equal {appendonly.aof.2.base.rdb 2 b} [lindex $m 0]
    assert_equal 2 [llength $m]
    # the old base and incr files are gone
    assert_equal 0 [file exists [file join $dir appendonlydir appendonly.aof.1.base.rdb]]
    assert_equal 0 [file exists [file join $dir appendonlydir appendonly.aof.1.incr.aof]]
    $c set added-after-rewrite 2
    set before [aof_snapshot $c]
    aof_stop $s
    set s [aof_start [::kvd::binary_path] {} $dir]
    set after [aof_snapshot [dict get $s c]]
    aof_stop $s
    assert_equal $before $after
}

test "AOF: redis-server 7.0 loads kvd's appendonlydir, and kvd loads Redis's" {
    set s [aof_start [::kvd::binary_path]]
    aof_fill [dict get $s c]
    [dict get $s c] incrbyfloat fl 2.5
    set want [aof_snapshot [dict get $s c]]
    set dir [dict get $s dir]
    aof_stop $s
    set r [aof_start $::aof_redis {} $dir]
    assert_equal $want [aof_snapshot [dict get $r c]]
    [dict get $r c] set from-redis 1
    [dict get $r c] bgrewriteaof
    aof_wait_rewrite [dict get $r c]
    [dict get $r c] rpush from-redis-l a b
    set want [aof_snapshot [dict get $r c]]
    aof_stop $r
    set s [aof_start [::kvd::binary_path] {} $dir]
    set got [aof_snapshot [dict get $s c]]
    aof_stop $s
    assert_equal $want $got
}

test "AOF: a truncated tail loads with aof-load-truncated yes and is refused with no" {
    set s [aof_start [::kvd::binary_path]]
    set c [dict get $s c]
    $c set k1 v1
    $c set k2 v2
    set dir [dict get $s dir]
    aof_stop $s
    set incr [aof_last_incr $dir]
    set size [file size $incr]
    # cut inside the last SET
    set f [open $incr r+]
    chan truncate $f [expr {$size - 5}]
    close $f
    set failed [catch {::kvd::start [list appendonly yes aof-load-truncated no dir $dir]} err]
    assert_equal 1 $failed
    assert_match {*truncated*} $err
    set s [aof_start [::kvd::binary_path] {aof-load-truncated yes} $dir]
    set c [dict get $s c]
    assert_equal v1 [$c get k1]
    assert_equal {} [$c get k2]
    $c set k3 v3
    aof_stop $s
    # the cut was made at a command boundary, so later appends load cleanly
    set s [aof_start [::kvd::binary_path] {aof-load-truncated no} $dir]
    assert_equal v3 [[dict get $s c] get k3]
    aof_stop $s
}

test "AOF: CONFIG SET appendonly yes writes a base of the dataset, then appends" {
    set s [::kvd::start {}]
    set c [::resp::connect 127.0.0.1 [dict get $s port] 0]
    aof_fill $c
    assert_equal OK [$c config set appendonly yes]
    wait_for_condition 100 50 {
        [info_field [$c info persistence] aof_enabled] == 1 &&
        [info_field [$c info persistence] aof_rewrite_in_progress] == 0 &&
        [file exists [file join [dict get $s dir] appendonlydir appendonly.aof.manifest]]
    } "appendonly did not turn on"
    $c set later 1
    set want [aof_snapshot $c]
    set dir [dict get $s dir]
    $c close
    ::kvd::stop $s
    set s [aof_start [::kvd::binary_path] {} $dir]
    set got [aof_snapshot [dict get $s c]]
    aof_stop $s
    assert_equal $want $got
}

test "AOF: appendfsync always keeps every acknowledged write across kill -9" {
    set dir ""
    for {set iter 0} {$iter < 3} {incr iter} {
        if {$dir eq ""} {
            set s [aof_start [::kvd::binary_path] {appendfsync always}]
            set dir [dict get $s dir]
        } else {
            set s [aof_start [::kvd::binary_path] {appendfsync always} $dir]
        }
        set c [dict get $s c]
        set base [$c llen acked]
        set d [::resp::connect 127.0.0.1 [dict get $s port] 1]
        # a pipeline of writes; the kill comes after a random number of replies
        set n 2000
        set buf ""
        for {set i 0} {$i < $n} {incr i} { append buf [::resp::encode [list rpush acked $iter:$i]] }
        $d raw $buf
        set stop [expr {100 + int(rand() * 1500)}]
        set acked 0
        for {set i 0} {$i < $stop} {incr i} { $d read; incr acked }
        exec kill -9 [dict get $s pid]
        catch {$d close}
        catch {$c close}
        ::kvd::kill_pid [dict get $s pid]
        set s [aof_start [::kvd::binary_path] {appendfsync always} $dir]
        set c [dict get $s c]
        set len [$c llen acked]
        assert {$len >= $base + $acked} "iteration $iter: $len elements, $base + $acked acknowledged"
        # the acknowledged ones are there in order
        assert_equal "$iter:[expr {$acked - 1}]" [$c lindex acked [expr {$base + $acked - 1}]]
        aof_stop $s
    }
}

# ---- aof-use-rdb-preamble no, XSETID, upgrade, history, loading, forks (issue #6) --------

# The commands of an AOF file as a list of argv lists.
proc aof_parse_cmds {bytes} {
    set cmds {}
    set i 0
    set n [string length $bytes]
    while {$i < $n} {
        set e [string first "\r\n" $bytes $i]
        set argc [string range $bytes [expr {$i + 1}] [expr {$e - 1}]]
        set i [expr {$e + 2}]
        set argv {}
        for {set j 0} {$j < $argc} {incr j} {
            set e [string first "\r\n" $bytes $i]
            set len [string range $bytes [expr {$i + 1}] [expr {$e - 1}]]
            set i [expr {$e + 2}]
            lappend argv [string range $bytes $i [expr {$i + $len - 1}]]
            set i [expr {$i + $len + 2}]
        }
        lappend cmds $argv
    }
    return $cmds
}

# A base file's commands grouped per key ({db key {cmd...}}), sorted by db and key: key order
# follows each server's hash table, the commands of one key do not (but see aof_norm_group).
proc aof_key_groups {bytes} {
    set groups {}
    set db 0
    set cur ""
    foreach cmd [aof_parse_cmds $bytes] {
        if {[string toupper [lindex $cmd 0]] eq "SELECT"} { set db [lindex $cmd 1]; continue }
        set k [lindex $cmd 1]
        dict lappend groups [list $db $k] $cmd
    }
    set out {}
    foreach g [lsort [dict keys $groups]] { lappend out $g [dict get $groups $g] }
    return $out
}

# A key's commands when their items follow hash-table order: the command names and sizes of
# each batch, then all items (field/value pairs kept together) sorted.
proc aof_norm_group {cmds} {
    set shape {}
    set items {}
    foreach c $cmds {
        lappend shape [lindex $c 0] [llength $c]
        lappend items {*}[lrange $c 2 end]
    }
    if {[string toupper [lindex $cmds 0 0]] in {HMSET ZADD}} {
        return [list $shape [lsort -stride 2 $items]]
    }
    return [list $shape [lsort $items]]
}

proc aof_base_file {dir} {
    return [file join $dir appendonlydir [lindex [aof_manifest $dir] 0 0]]
}

# Data of every type, with fixed absolute TTLs so both servers write the same bytes.
proc aof_fill_rewrite {c} {
    $c set s:int 12345
    $c set s:str hello
    $c set ttl v pxat 4000000000000
    $c rpush l a b 1 2
    set items {}
    for {set i 0} {$i < 130} {incr i} { lappend items "item-$i" }
    $c rpush l:big {*}$items
    $c sadd st 3 1 2
    $c sadd st:s a b c
    $c sadd st:big {*}$items
    $c hset h f1 v1 f2 2
    set pairs {}
    foreach it $items { lappend pairs $it v$it }
    $c hset h:big {*}$pairs
    $c zadd z 0.1 a 1.5 b inf c -2 d
    set zs {}
    for {set i 0} {$i < 140} {incr i} { lappend zs $i m$i }
    $c zadd z:big {*}$zs
    $c xadd x 1-1 a b
    $c xadd x 2-2 c d e f
    $c xadd x 3-3 c d e f
    $c xdel x 3-3
    $c xadd empty 5-5 a b
    $c xdel empty 5-5
    $c pexpireat z 4000000000000
    $c select 3
    $c set other yes
    $c select 0
}

test "AOF: aof-use-rdb-preamble no writes the base as Redis 7.0's commands" {
    set a [aof_start $::aof_redis {aof-use-rdb-preamble no}]
    set b [aof_start [::kvd::binary_path] {aof-use-rdb-preamble no}]
    foreach s [list $a $b] {
        set c [dict get $s c]
        aof_fill_rewrite $c
        # with an expired key not yet deleted: Redis 7.0 still writes it
        $c debug set-active-expire 0
        $c set gone 1 px 1
        after 20
        $c bgrewriteaof
        aof_wait_rewrite $c
    }
    set ma [aof_manifest [dict get $a dir]]
    set mb [aof_manifest [dict get $b dir]]
    set fa [aof_read_file [aof_base_file [dict get $a dir]]]
    set fb [aof_read_file [aof_base_file [dict get $b dir]]]
    aof_stop $a
    aof_stop $b
    assert_equal $ma $mb
    assert_match {appendonly.aof.2.base.aof 2 b} [lindex $mb 0]
    # sets of strings (Redis 7.0 has no listpack sets), big hashes and zsets: table order
    set norm {st:s st:big h:big z:big}
    set ga [aof_key_groups $fa]
    set gb [aof_key_groups $fb]
    assert_equal [dict keys $ga] [dict keys $gb]
    foreach g [dict keys $ga] {
        if {[lindex $g 1] eq "gone"} {
            # an expired, not yet deleted key is written too, with its (past) PEXPIREAT
            assert_equal [lmap x [dict get $gb $g] {lindex $x 0}] [lmap x [dict get $ga $g] {lindex $x 0}]
        } elseif {[lindex $g 1] in $norm} {
            assert_equal [aof_norm_group [dict get $gb $g]] [aof_norm_group [dict get $ga $g]] \
                "key $g"
        } else {
            assert_equal [dict get $gb $g] [dict get $ga $g] "key $g"
        }
    }
}

test "AOF: a commands base restores every type (streams with their IDs), in kvd and in Redis" {
    set s [aof_start [::kvd::binary_path] {aof-use-rdb-preamble no}]
    set c [dict get $s c]
    aof_fill_rewrite $c
    $c bgrewriteaof
    aof_wait_rewrite $c
    set want [aof_snapshot $c]
    set want_x [$c xrange x - +]
    set dir [dict get $s dir]
    aof_stop $s
    # the base alone (empty incr) rebuilds everything, in kvd and in a real Redis
    foreach bin [list [::kvd::binary_path] $::aof_redis] {
        set s [aof_start $bin {} $dir]
        set c [dict get $s c]
        set got [aof_snapshot $c]
        set got_x [$c xrange x - +]
        set types [list [$c type x] [$c type empty] [$c xlen empty]]
        # XSETID restored the last ID: 3-3 was deleted but stays the top
        set err [catch {$c xadd x 3-3 k v} msg]
        set err2 [catch {$c xadd empty 5-5 k v} msg2]
        aof_stop $s
        assert_equal $want $got "$bin"
        assert_equal $want_x $got_x
        assert_equal {stream stream 0} $types
        assert_equal 1 $err
        assert_match {*equal or smaller*} $msg
        assert_equal 1 $err2
    }
}

test "AOF: CONFIG SET appendonly yes with preamble no writes a .base.aof of commands" {
    set s [::kvd::start {aof-use-rdb-preamble no}]
    set c [::resp::connect 127.0.0.1 [dict get $s port] 0]
    $c set k v
    $c config set appendonly yes
    wait_for_condition 100 50 {
        [info_field [$c info persistence] aof_enabled] == 1 &&
        [info_field [$c info persistence] aof_rewrite_in_progress] == 0 &&
        [file exists [file join [dict get $s dir] appendonlydir appendonly.aof.manifest]]
    } "appendonly did not turn on"
    set dir [dict get $s dir]
    set base [aof_read_file [aof_base_file $dir]]
    $c close
    ::kvd::stop $s
    assert_match {*.base.aof} [aof_base_file $dir]
    assert_equal {{SELECT 0} {SET k v}} [aof_parse_cmds $base]
}

test "XSETID: replies and effects as Redis 7.0" {
    set a [::kvd::start {} $::aof_redis]
    set b [::kvd::start {}]
    set cmds {
        {xsetid nokey 1-1} {xsetid nokey bad} {xsetid nokey 1-1 foo}
        {xadd s 5-5 a b} {xsetid s 4-4} {xsetid s 5-4} {xsetid s 6} {xadd s 6-0 a b}
        {xsetid s 7-0 entriesadded -1} {xsetid s 7-0 entriesadded x}
        {xsetid s 7-0 entriesadded 0} {xsetid s 7-0 entriesadded 2}
        {xsetid s 7-0 maxdeletedid 8-0} {xsetid s 7-0 maxdeletedid 6-0} {xsetid s 7-0 foo}
        {xsetid s 7-0 entriesadded} {xsetid s +} {xsetid s -} {xsetid s 3-0 foo}
        {set str v} {xsetid str 1-1} {xsetid str bad}
        {xdel s 5-5} {xdel s 6-0} {xsetid s 1-0} {xadd s 1-1 a b} {xsetid s 18446744073709551615}
        {xadd s * a b} {xsetid s 9-0 ENTRIESADDED 5 MAXDELETEDID 10-0}
        {xsetid s 7-0 MAXDELETEDID 7-0 ENTRIESADDED 9} {xadd s 7-0 a b} {xadd s 7-1 a b}
        {xsetid s 7-0} {xsetid s 7-1 entriesadded 0}
    }
    set ra {}
    set rb {}
    foreach s [list $a $b] r {ra rb} {
        set c [::resp::connect 127.0.0.1 [dict get $s port] 0]
        foreach cmd $cmds {
            catch {$c {*}$cmd} v
            lappend $r $v
        }
        $c close
    }
    ::kvd::stop $a
    ::kvd::stop $b
    foreach cmd $cmds x $ra y $rb { assert_equal $y $x "$cmd" }
}

test "AOF: an old single appendonly.aof is moved into appenddirname as Redis 7.0 does" {
    set old "*2\r\n\$6\r\nSELECT\r\n\$1\r\n0\r\n*3\r\n\$3\r\nSET\r\n\$1\r\na\r\n\$1\r\n1\r\n"
    set res {}
    foreach bin [list $::aof_redis [::kvd::binary_path]] {
        set dir [::kvd::tmpdir]
        set f [open [file join $dir appendonly.aof] wb]
        puts -nonewline $f $old
        close $f
        set s [aof_start $bin {} $dir]
        set c [dict get $s c]
        set got [$c get a]
        $c set b 2
        after 100
        set files [lsort [glob -nocomplain -tails -directory [file join $dir appendonlydir] *]]
        set manifest [aof_read_file [file join $dir appendonlydir appendonly.aof.manifest]]
        set left [file exists [file join $dir appendonly.aof]]
        aof_stop $s
        set s [aof_start $bin {} $dir]
        set again [list [[dict get $s c] get a] [[dict get $s c] get b]]
        aof_stop $s
        lappend res [list $got $files $manifest $left $again]
    }
    assert_equal [lindex $res 0] [lindex $res 1]
    assert_equal {1 2} [lindex $res 1 4]
    assert_equal {file appendonly.aof seq 1 type b} [lindex [split [lindex $res 1 2] \n] 0]
}

test "AOF: history files a Redis manifest lists ('type h') are deleted at startup" {
    set res {}
    foreach bin [list $::aof_redis [::kvd::binary_path]] {
        set s [aof_start $bin]
        set c [dict get $s c]
        $c set k v
        set dir [dict get $s dir]
        aof_stop $s
        set ad [file join $dir appendonlydir]
        set f [open [file join $ad appendonly.aof.9.base.aof] wb]
        puts -nonewline $f "*3\r\n\$3\r\nSET\r\n\$1\r\nk\r\n\$3\r\nold\r\n"
        close $f
        set m [aof_read_file [file join $ad appendonly.aof.manifest]]
        set f [open [file join $ad appendonly.aof.manifest] wb]
        puts -nonewline $f "file appendonly.aof.9.base.aof seq 9 type h\n$m"
        close $f
        set s [aof_start $bin {} $dir]
        set got [[dict get $s c] get k]
        after 300
        set files [lsort [glob -nocomplain -tails -directory $ad *]]
        set manifest [aof_read_file [file join $ad appendonly.aof.manifest]]
        aof_stop $s
        lappend res [list $got $files $manifest]
    }
    assert_equal [lindex $res 0] [lindex $res 1]
    assert_equal v [lindex $res 1 0]
    assert {"appendonly.aof.9.base.aof" ni [lindex $res 1 1]}
}

test "AOF: loading answers -LOADING, moves INFO loading, and replays outside commandstats" {
    set s [aof_start [::kvd::binary_path]]
    set c [dict get $s c]
    for {set i 0} {$i < 40} {incr i} { $c set key:$i $i }
    $c incr counter
    set dir [dict get $s dir]
    aof_stop $s
    set port [::kvd::free_port]
    set log [file join $dir spawn.log]
    set pid [exec [::kvd::binary_path] --port $port --bind 127.0.0.1 --save {} --appendonly yes \
                 --daemonize no --dir $dir --key-load-delay 50000 \
                 --loading-process-events-interval-bytes 1024 >& $log &]
    set code [catch {
        set c ""
        set deadline [expr {[clock milliseconds] + 5000}]
        while {$c eq "" && [clock milliseconds] < $deadline} {
            if {[catch {::resp::connect 127.0.0.1 $port 0} c]} { set c ""; after 20 }
        }
        assert {$c ne ""} "could not connect during the load"
        $c set_timeout 5000
        # (Redis 7.0 applies key-load-delay to RDB loading only: against it, the AOF load is
        # over before a client gets in, so only the commandstats part is compared.)
        if {[::kvd::binary_path] ne $::aof_redis} {
            assert_error {LOADING Redis is loading the dataset in memory} {$c get key:1}
            set info [$c info persistence]
            assert_equal 1 [info_field $info loading]
            assert_morethan [info_field $info loading_total_bytes] 0
            assert_range [info_field $info loading_loaded_perc] 0 100
        }
        $c config set key-load-delay 0
        wait_for_condition 200 50 {![catch {$c ping} p] && $p eq "PONG"} "load did not end"
        assert_equal 0 [info_field [$c info persistence] loading]
        assert_equal 1 [$c get counter]
        set stats [$c info commandstats]
        $c close
        # the 41 replayed writes are not counted (Redis calls the handlers directly too)
        assert_no_match {*cmdstat_set:*} $stats
        assert_no_match {*cmdstat_incr:*} $stats
        assert_no_match {*cmdstat_select:*} $stats
    } err opts]
    ::kvd::kill_pid $pid
    if {$code} { return -options $opts $err }
}

test "AOF: the rewrite's fork is in latest_fork_usec/total_forks, its CoW in aof_last_cow_size" {
    set s [aof_start [::kvd::binary_path]]
    set c [dict get $s c]
    for {set i 0} {$i < 200} {incr i} { $c set key:$i [string repeat x 100] }
    set forks [info_field [$c info stats] total_forks]
    $c bgrewriteaof
    aof_wait_rewrite $c
    set stats [$c info stats]
    set pers [$c info persistence]
    set mem [info_field [$c info memory] mem_aof_buffer]
    aof_stop $s
    assert_equal [expr {$forks + 1}] [info_field $stats total_forks]
    assert_morethan [info_field $stats latest_fork_usec] 0
    assert_morethan [info_field $pers aof_last_cow_size] 0
    assert_regexp {^\d+$} $mem
}

test "AOF: no-appendfsync-on-rewrite yes still writes every command during a child" {
    set s [aof_start [::kvd::binary_path] {appendfsync always no-appendfsync-on-rewrite yes}]
    set c [dict get $s c]
    for {set i 0} {$i < 50} {incr i} { $c set pre:$i $i }
    $c config set rdb-key-save-delay 20000
    assert_match {Background saving started*} [$c bgsave]
    for {set i 0} {$i < 20} {incr i} { $c set during:$i $i }
    assert_equal 1 [info_field [$c info persistence] rdb_bgsave_in_progress]
    set incr [aof_read_file [aof_last_incr [dict get $s dir]]]
    $c config set rdb-key-save-delay 0
    set dir [dict get $s dir]
    aof_stop $s
    assert_match {*during:19*} $incr
    set s [aof_start [::kvd::binary_path] {} $dir]
    set got [[dict get $s c] get during:19]
    aof_stop $s
    assert_equal 19 $got
}
