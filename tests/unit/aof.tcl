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
