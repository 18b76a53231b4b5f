# tests/unit/persist.tcl: RDB snapshots from the server's side: SAVE, BGSAVE, LASTSAVE, save
# points, SHUTDOWN SAVE/NOSAVE, saving on SIGTERM, DEBUG RELOAD, DUMP/RESTORE (every type,
# option and error, payloads exchanged with a real redis-server), a killed BGSAVE child
# (MISCONF, then recovery), corrupt and truncated files refused at startup, -LOADING, and the
# IDLE/FREQ records of LRU/LFU policies across DEBUG RELOAD and restarts.
# Written against redis-server 7.0 first (KVD_BIN=/usr/bin/redis-server), then kvd.
# Cost: about 25 s (save points wait for the cron, restarts, a slowed-down load).

# ---- helpers ----------------------------------------------------------------------------

# One key of every type and encoding kvd and Redis share, some with TTLs, in dbs 0 and 3.
proc persist_fill {} {
    r select 0
    r set s:int 12345
    r set s:neg -9000000000
    r set s:short hello
    r set s:long [string repeat abcdefgh 20]
    r set s:bin "a\x00b\xffc"
    r rpush l:small a b 1 2
    set items {}
    for {set i 0} {$i < 300} {incr i} { lappend items "item-$i-[string repeat x [expr {$i % 50}]]" }
    r rpush l:big {*}$items
    r hset h:small f1 v1 f2 2
    set hv {}
    for {set i 0} {$i < 200} {incr i} { lappend hv f$i [string repeat v $i] }
    r hset h:big {*}$hv
    r sadd st:int 1 2 3 -5 100000
    r sadd st:str a b c
    set sv {}
    for {set i 0} {$i < 600} {incr i} { lappend sv $i }
    r sadd st:bigint {*}$sv
    r zadd z:small 1 a 2.5 b -3 c
    set zv {}
    for {set i 0} {$i < 200} {incr i} { lappend zv [expr {$i * 1.5}] m$i }
    r zadd z:big {*}$zv
    r set ttl:s v px 500000
    r rpush ttl:l x
    r pexpire ttl:l 700000
    r select 3
    r set other:db yes
    r hset other:h a b
    r select 0
}

# DEBUG DIGEST of the whole dataset (keys, values, TTLs): equal digests mean equal data.
proc persist_digest {} { return [r debug digest] }

# Starts bin with the given config words without waiting for it to answer; returns
# {pid log rcfile}, pid being the server's own (so killing it stops the server, not just a
# wrapper). The shell wrapper records the exit status, so a refused start can be checked.
proc persist_spawn {bin dir port args} {
    set log [file join $dir spawn-$port.log]
    set rc [file join $dir spawn-$port.rc]
    set pidf [file join $dir spawn-$port.pid]
    file delete $rc $pidf
    set cmd [list $bin --port $port --bind 127.0.0.1 --appendonly no --daemonize no \
                 --enable-debug-command yes --dir $dir {*}$args]
    exec sh -c "[join [lmap w $cmd {format '%s' $w}] { }] >$log 2>&1 & echo \$! >$pidf; wait \$!; echo \$? >$rc" &
    set pid ""
    set deadline [expr {[clock milliseconds] + 5000}]
    while {$pid eq "" && [clock milliseconds] < $deadline} {
        if {[file exists $pidf] && [file size $pidf] > 0} {
            set f [open $pidf r]
            set pid [string trim [read $f]]
            close $f
        } else {
            after 10
        }
    }
    if {$pid eq ""} { error "persist_spawn: $bin did not start" }
    return [list $pid $log $rc]
}

# Waits up to ms for the spawned server to exit; returns its exit status or "" if still up.
proc persist_wait_exit {rcfile ms} {
    set deadline [expr {[clock milliseconds] + $ms}]
    while {[clock milliseconds] < $deadline} {
        if {[file exists $rcfile] && [file size $rcfile] > 0} {
            set f [open $rcfile r]
            set v [string trim [read $f]]
            close $f
            return $v
        }
        after 20
    }
    return ""
}

# Type and full contents of key through client c, in an order independent of encodings.
proc persist_contents {c k} {
    set t [$c type $k]
    switch -- $t {
        string { set v [$c get $k] }
        list { set v [$c lrange $k 0 -1] }
        hash { set v [lsort [$c hgetall $k]] }
        set { set v [lsort [$c smembers $k]] }
        zset { set v [$c zrange $k 0 -1 withscores] }
        default { set v ? }
    }
    return [list $t $v]
}

proc persist_read {path} {
    set f [open $path r]
    fconfigure $f -translation binary
    set d [read $f]
    close $f
    return $d
}

proc persist_write {path data} {
    set f [open $path w]
    fconfigure $f -translation binary
    puts -nonewline $f $data
    close $f
}

# Child pid from the last "Background saving started by pid N" line of the log.
proc persist_child_pid {log} {
    set pid ""
    foreach line [split [persist_read $log] \n] {
        if {[regexp {Background saving started by pid (\d+)} $line -> p]} { set pid $p }
    }
    return $pid
}

proc persist_field {f} { return [info_field [r info persistence] $f] }

# Stops the current server by PID (if still running) and starts it again on the same dir.
# The harness's stop sends SIGTERM, which saves when save points are set: tests that must
# not save clear them first.
proc persist_restart {} {
    set s [lindex $::kvd::servers end]
    ::kvd::kill_pid [dict get $s pid]
    catch {[dict get $s client] close}
    set ov [dict get $s overrides]
    set ns [::kvd::start $ov]
    dict set ns client [::resp::connect [dict get $ns host] [dict get $ns port] 0]
    dict set ns tags [dict get $s tags]
    dict set ns overrides $ov
    lset ::kvd::servers end $ns
}

# ---- SAVE, BGSAVE, LASTSAVE, restart ------------------------------------------------------

set ::pdir [::kvd::tmpdir]

with_server [list tags {persist} overrides [list dir $::pdir]] {
    test {SAVE writes dump.rdb and a restart loads every type, TTLs and dbs back} {
        r flushall
        persist_fill
        set before [persist_digest]
        assert_equal [r save] OK
        assert [file exists [file join $::pdir dump.rdb]]
        assert_equal [persist_field rdb_changes_since_last_save] 0
        persist_restart
        assert_equal [persist_digest] $before
        assert_equal [r dbsize] 16
        assert_range [r pttl ttl:s] 400000 500000
        assert_range [r pttl ttl:l] 600000 700000
        assert_equal [r pttl s:int] -1
        assert_equal [r get s:bin] "a\x00b\xffc"
        assert_equal [r object encoding st:int] intset
        assert_equal [r object encoding h:big] hashtable
        assert_equal [r object encoding z:small] listpack
        assert_equal [r object encoding z:big] skiplist
        r select 3
        assert_equal [r get other:db] yes
        r select 0
        assert_equal [persist_field rdb_last_load_keys_loaded] 18
    }

    test {Keys already expired in the file are dropped at load and counted} {
        r flushall
        r set keep 1
        r set short v px 300
        r save
        after 400
        persist_restart
        assert_equal [r exists short] 0
        assert_equal [r get keep] 1
        assert_equal [persist_field rdb_last_load_keys_expired] 1
    }

    test {BGSAVE replies at once, the child's save shows up in INFO and LASTSAVE} {
        r flushall
        persist_fill
        set saves [persist_field rdb_saves]
        set forks [info_field [r info stats] total_forks]
        assert_equal [r bgsave] {Background saving started}
        wait_for_condition 100 50 {[persist_field rdb_bgsave_in_progress] == 0}
        assert_equal [persist_field rdb_last_bgsave_status] ok
        assert_equal [persist_field rdb_saves] [expr {$saves + 1}]
        assert_equal [info_field [r info stats] total_forks] [expr {$forks + 1}]
        assert_equal [persist_field rdb_changes_since_last_save] 0
        assert_morethan [persist_field rdb_last_cow_size] -1
        assert_range [r lastsave] [expr {[clock seconds] - 5}] [clock seconds]
        catch {exec redis-check-rdb [file join $::pdir dump.rdb]} out
        assert_match {*RDB looks OK*} $out
    }

    test {BGSAVE and SAVE while a BGSAVE runs are errors; BGSAVE takes only SCHEDULE} {
        r config set rdb-key-save-delay 200000
        assert_equal [r bgsave] {Background saving started}
        assert_equal [persist_field rdb_bgsave_in_progress] 1
        assert_error {ERR Background save already in progress} {r bgsave}
        assert_error {ERR Background save already in progress} {r bgsave schedule}
        assert_error {ERR Background save already in progress} {r save}
        assert_error {ERR syntax error} {r bgsave now}
        assert_error {ERR syntax error} {r bgsave schedule x}
        assert_equal [persist_field current_save_keys_total] 18
        set pid [persist_child_pid [srv log]]
        assert {$pid ne ""}
        # SIGUSR1 is the server's own way of stopping a child: not a failure
        r config set rdb-key-save-delay 0
        exec kill -USR1 $pid
        wait_for_condition 100 50 {[persist_field rdb_bgsave_in_progress] == 0}
        assert_equal [persist_field rdb_last_bgsave_status] ok
    }

    test {BGSAVE inside EXEC is scheduled and runs from the cron} {
        set saves [persist_field rdb_saves]
        r multi
        r bgsave
        assert_equal [r exec] {{Background saving scheduled}}
        wait_for_condition 100 50 {[persist_field rdb_saves] == $saves + 1}
        wait_for_condition 100 50 {[persist_field rdb_bgsave_in_progress] == 0}
    }

    test {SAVE inside MULTI is refused} {
        r multi
        assert_error {ERR Command not allowed inside a transaction} {r save}
        assert_error {EXECABORT*} {r exec}
    }

    test {A killed BGSAVE child: old dump intact, MISCONF for writes and PING, then recovery} {
        r flushall
        r set base 1
        r save
        set old [persist_read [file join $::pdir dump.rdb]]
        r config set save "3600 1"
        r set more 2
        r config set rdb-key-save-delay 1000000
        r bgsave
        set pid [persist_child_pid [srv log]]
        assert {$pid ne ""}
        exec kill -9 $pid
        wait_for_condition 100 50 {[persist_field rdb_bgsave_in_progress] == 0}
        assert_equal [persist_field rdb_last_bgsave_status] err
        assert_equal [persist_read [file join $::pdir dump.rdb]] $old
        assert_equal [glob -nocomplain -directory $::pdir temp-*.rdb] {}
        assert_error {MISCONF Redis is configured to save RDB snapshots*} {r set x 1}
        assert_error {MISCONF*} {r ping}
        r multi
        assert_error {MISCONF*} {r set x 1}
        assert_error {EXECABORT*} {r exec}
        assert_equal [r get base] 1
        # scripts: a write through redis.call fails (pcall hands the error back), reads work;
        # a script with flags that may write is refused before it runs
        assert_error {MISCONF Redis is configured*script: *, on @user_script:1.} \
            {r eval {return redis.call('set','x','1')} 0}
        assert_error {MISCONF Redis is configured*RDB error.} {r eval {return redis.pcall('set','x','1')} 0}
        assert_equal [r eval {return redis.call('get','base')} 0] 1
        assert_error {MISCONF Redis is configured*RDB error.} {r eval "#!lua\nreturn redis.call('get','base')" 0}
        assert_equal [r eval "#!lua flags=no-writes\nreturn redis.call('get','base')" 0] 1
        # stop-writes-on-bgsave-error off lets writes through
        r config set stop-writes-on-bgsave-error no
        assert_equal [r set y 1] OK
        r config set stop-writes-on-bgsave-error yes
        assert_error {MISCONF*} {r set x 1}
        # a later successful BGSAVE clears the error
        r config set rdb-key-save-delay 0
        assert_equal [r bgsave] {Background saving started}
        wait_for_condition 100 50 {[persist_field rdb_bgsave_in_progress] == 0}
        assert_equal [persist_field rdb_last_bgsave_status] ok
        assert_equal [r set x 1] OK
        assert_equal [r ping] PONG
        r config set save ""
    }

    test {Save points start a BGSAVE once enough changes are old enough} {
        r flushall
        r save
        set saves [persist_field rdb_saves]
        r config set save "1 3"
        r set a 1
        r set b 2
        after 2200
        # two changes are below the threshold: nothing happens
        assert_equal [persist_field rdb_saves] $saves
        r set c 3
        wait_for_condition 60 50 {[persist_field rdb_saves] == $saves + 1}
        wait_for_condition 60 50 {[persist_field rdb_bgsave_in_progress] == 0}
        assert_equal [persist_field rdb_changes_since_last_save] 0
        r config set save ""
    }

    test {FLUSHALL with save points saves the empty dataset at once} {
        r set a 1
        r save
        set saves [persist_field rdb_saves]
        r config set save "3600 1"
        r set b 2
        r flushall
        assert_equal [persist_field rdb_changes_since_last_save] 0
        # only SAVE and BGSAVE count in rdb_saves
        assert_equal [persist_field rdb_saves] $saves
        r config set save ""
        persist_restart
        assert_equal [r dbsize] 0
    }

    test {rdbchecksum no writes a zero checksum, which still loads; it is immutable} {
        assert_error {*can't set immutable config*} {r config set rdbchecksum no}
        r flushall
        r set a 1
        r save
        set data [persist_read [file join $::pdir dump.rdb]]
        assert_not_equal [string range $data end-7 end] [string repeat "\x00" 8]
        set d [::kvd::tmpdir]
        set other [::kvd::start [list dir $d rdbchecksum no]]
        set c [::resp::connect 127.0.0.1 [dict get $other port] 0]
        set code [catch {
            $c set a 1
            $c save
            set data [persist_read [file join $d dump.rdb]]
            assert_equal [string range $data end-7 end] [string repeat "\x00" 8]
            # a checksumming server loads it
            file copy -force [file join $d dump.rdb] [file join $::pdir dump.rdb]
            persist_restart
            assert_equal [r get a] 1
        } err opts]
        $c close
        ::kvd::stop $other
        if {$code} { return -options $opts $err }
    }

    test {CONFIG SET save validates like Redis and round-trips} {
        assert_error {*Invalid save parameters*} {r config set save "1 1 2"}
        assert_error {*Invalid save parameters*} {r config set save "a b"}
        assert_error {*Invalid save parameters*} {r config set save "-1 1"}
        r config set save "100 1 20 5"
        assert_equal [r config get save] {save {100 1 20 5}}
        r config set save ""
        assert_equal [r config get save] {save {}}
    }

    test {DEBUG RELOAD saves, empties and loads back the same data} {
        r flushall
        persist_fill
        set before [persist_digest]
        assert_equal [r debug reload] OK
        assert_equal [persist_digest] $before
        r set extra 1
        # NOSAVE loads the file as it is: the key written since is gone
        assert_equal [r debug reload nosave] OK
        assert_equal [r exists extra] 0
        # NOFLUSH MERGE keeps memory's other keys; the file's value wins a clash
        r flushall
        r set a file
        r save
        r set a mem
        r set b mem
        assert_equal [r debug reload nosave noflush merge] OK
        assert_equal [r mget a b] {file mem}
        assert_error {ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.} {r debug reload foo}
    }
}

# ---- SHUTDOWN and SIGTERM -----------------------------------------------------------------

set ::sdir [::kvd::tmpdir]
with_server [list tags {persist} overrides [list dir $::sdir enable-protected-configs yes]] {
    test {SHUTDOWN NOSAVE with save points writes nothing} {
        r config set save "3600 1"
        r set k 1
        server_may_exit
        catch {r shutdown nosave}
        wait_for_condition 100 50 {![server_alive]}
        assert_equal [file exists [file join $::sdir dump.rdb]] 0
        persist_restart
        assert_equal [r dbsize] 0
    }

    test {SHUTDOWN SAVE without save points saves} {
        r set k saved
        server_may_exit
        catch {r shutdown save}
        wait_for_condition 100 50 {![server_alive]}
        persist_restart
        assert_equal [r get k] saved
    }

    test {Plain SHUTDOWN saves when save points exist, not when there are none} {
        r config set save "3600 1"
        r set k2 v2
        server_may_exit
        catch {r shutdown}
        wait_for_condition 100 50 {![server_alive]}
        persist_restart
        assert_equal [r get k2] v2
        r set k3 v3
        server_may_exit
        catch {r shutdown}
        wait_for_condition 100 50 {![server_alive]}
        persist_restart
        assert_equal [r exists k3] 0
    }

    test {SIGTERM saves when save points exist} {
        r config set save "3600 1"
        r set term yes
        server_may_exit
        exec kill -TERM [srv pid]
        wait_for_condition 100 50 {![server_alive]}
        persist_restart
        assert_equal [r get term] yes
    }

    test {SHUTDOWN with a failing save keeps the server up; FORCE exits anyway} {
        r set k 1
        # renaming the temp file over a directory fails, even for root
        file mkdir [file join $::sdir blocker]
        r config set dbfilename blocker
        assert_error {ERR Errors trying to SHUTDOWN. Check logs.} {r shutdown save}
        assert_equal [r ping] PONG
        # SIGTERM with save points and a failing save: the server stays up too
        r config set save "3600 1"
        exec kill -TERM [srv pid]
        wait_for_condition 100 20 {[string match {*Error trying to save the DB, can't exit*} [persist_read [srv log]]]}
        after 100
        assert [server_alive]
        assert_equal [r get k] 1
        r config set save ""
        assert_error {ERR syntax error} {r shutdown save nosave}
        server_may_exit
        catch {r shutdown save force}
        wait_for_condition 100 50 {![server_alive]}
        # the file of the previous test is still what a restart loads
        persist_restart
        assert_equal [r get term] yes
    }
}

# ---- DUMP / RESTORE -----------------------------------------------------------------------

with_server {tags {persist dump}} {
    test {DUMP of every type RESTOREs to the same value under another name} {
        r flushall
        persist_fill
        # DIGEST-VALUE covers the TTL too: compare values without one
        r persist ttl:s
        r persist ttl:l
        foreach k [r keys *] {
            set p [r dump $k]
            r restore copy:$k 0 $p
            assert_equal [r debug digest-value copy:$k] [r debug digest-value $k] "key $k"
            assert_equal [r type copy:$k] [r type $k]
            assert_equal [r pttl copy:$k] -1
        }
    }

    test {rdbcompression decides whether DUMP compresses long strings} {
        r set big [string repeat abc 400]
        set packed [string length [r dump big]]
        r config set rdbcompression no
        set plain [string length [r dump big]]
        r config set rdbcompression yes
        assert_lessthan $packed 100
        assert_morethan $plain 1200
    }

    test {DUMP of a missing key is a null; a small string's payload is Redis's bytes} {
        assert_equal [r dump nosuchkey] {}
        r set a 1
        binary scan [r dump a] H* hex
        assert_equal $hex 00c0010a002678e7b6d10111fc
    }

    test {RESTORE errors in Redis's order} {
        r set exists v
        set p [r dump exists]
        assert_error {BUSYKEY Target key name already exists.} {r restore exists 0 $p}
        # the key check comes before the TTL check
        assert_error {BUSYKEY*} {r restore exists -1 $p}
        assert_error {ERR Invalid TTL value, must be >= 0} {r restore new -1 $p}
        assert_error {ERR value is not an integer or out of range} {r restore new abc $p}
        assert_error {ERR DUMP payload version or checksum are wrong} {r restore new 0 xyz}
        assert_error {ERR DUMP payload version or checksum are wrong} {r restore new 0 ""}
        set bad [string replace $p end end [format %c [expr {([scan [string index $p end] %c] + 1) % 256}]]]
        assert_error {ERR DUMP payload version or checksum are wrong} {r restore new 0 $bad}
        assert_error {ERR syntax error} {r restore new 0 $p foo}
        assert_error {ERR syntax error} {r restore new 0 $p idletime}
        assert_error {ERR Invalid IDLETIME value, must be >= 0} {r restore new 0 $p idletime -1}
        assert_error {ERR value is not an integer or out of range} {r restore new 0 $p idletime x}
        assert_error {ERR Invalid FREQ value, must be >= 0 and <= 255} {r restore new 0 $p freq 256}
        assert_error {ERR Invalid FREQ value, must be >= 0 and <= 255} {r restore new 0 $p freq -1}
        assert_error {ERR syntax error} {r restore new 0 $p idletime 1 freq 1}
        assert_error {ERR syntax error} {r restore new 0 $p freq 1 idletime 1}
        assert_error {ERR wrong number of arguments for 'restore' command} {r restore new 0}
        assert_equal [r exists new] 0
    }

    test {RESTORE with a payload claiming a newer RDB version is refused} {
        r set v x
        set p [r dump v]
        # version bytes sit before the 8-byte CRC; a wrong version fails before the CRC
        set n [string length $p]
        set bumped [string replace $p [expr {$n - 10}] [expr {$n - 9}] "\xff\x00"]
        assert_error {ERR DUMP payload version or checksum are wrong} {r restore v2 0 $bumped}
    }

    test {RESTORE REPLACE, TTL, ABSTTL and an already expired ABSTTL} {
        r set src hello
        set p [r dump src]
        r set dst old
        assert_equal [r restore dst 0 $p replace] OK
        assert_equal [r get dst] hello
        assert_equal [r restore t1 100000 $p] OK
        assert_range [r pttl t1] 90000 100000
        set at [expr {[clock milliseconds] + 200000}]
        assert_equal [r restore t2 $at $p absttl] OK
        assert_range [r pttl t2] 190000 200000
        # an absolute time in the past: OK, and the key (even the replaced one) is gone
        assert_equal [r restore dst 1 $p replace absttl] OK
        assert_equal [r exists dst] 0
        assert_equal [r restore t3 1 $p absttl] OK
        assert_equal [r exists t3] 0
    }

    test {RESTORE IDLETIME sets the idle time; FREQ counts under an LFU policy} {
        r set src v
        set p [r dump src]
        r restore idle 0 $p idletime 1000
        assert_range [r object idletime idle] 1000 1002
        r config set maxmemory-policy allkeys-lfu
        r restore fq 0 $p freq 100
        assert_equal [r object freq fq] 100
        r config set maxmemory-policy noeviction
    }

    test {DUMP and RESTORE payloads travel both ways between kvd and redis-server} {
        if {![file executable /usr/bin/redis-server]} { error "needs /usr/bin/redis-server" }
        r flushall
        persist_fill
        r persist ttl:s
        r persist ttl:l
        set ref [::kvd::start {} /usr/bin/redis-server]
        set rc [::resp::connect 127.0.0.1 [dict get $ref port] 0]
        set code [catch {
            foreach k [r keys *] {
                # ours into Redis: the same contents there
                $rc restore $k 0 [r dump $k]
                assert_equal [persist_contents $rc $k] [persist_contents r $k] "kvd->redis $k"
                # Redis's payload back into ours: the same value as the original
                r restore back:$k 0 [$rc dump $k]
                assert_equal [r debug digest-value back:$k] [r debug digest-value $k] "redis->kvd $k"
            }
        } err opts]
        $rc close
        ::kvd::stop $ref
        if {$code} { return -options $opts $err }
    }
}

# ---- refusing bad files, -LOADING -----------------------------------------------------------

with_server {tags {persist}} {
    test {A corrupt or truncated dump.rdb refuses startup and the log names the offset} {
        r flushall
        persist_fill
        r save
        set good [persist_read [file join [srv dir] dump.rdb]]
        set bin [srv bin]
        foreach {name data} [list \
                truncated [string range $good 0 [expr {[string length $good] / 2}]] \
                corrupt [string replace $good 200 203 "\xff\xfe\xfd\xfc"]] {
            set d [::kvd::tmpdir]
            persist_write [file join $d dump.rdb] $data
            set port [::kvd::free_port]
            lassign [persist_spawn $bin $d $port --save ""] pid log rcfile
            set rc [persist_wait_exit $rcfile 10000]
            if {$rc eq ""} { ::kvd::kill_pid $pid }
            assert {$rc ne "" && $rc != 0} "$name file: exit status '$rc'"
            assert_match {*offset*} [persist_read $log] "$name file log"
            catch {exec true}
        }
    }

    test {Clients connecting during a load get -LOADING and INFO shows the progress} {
        r flushall
        r eval {for i=1,3000 do redis.call('set','key:'..i,i) end} 0
        r save
        set d [::kvd::tmpdir]
        file copy [file join [srv dir] dump.rdb] [file join $d dump.rdb]
        set port [::kvd::free_port]
        lassign [persist_spawn [srv bin] $d $port --save "" --key-load-delay 2000 \
                     --loading-process-events-interval-bytes 1024] pid log rcfile
        set code [catch {
            set c ""
            set deadline [expr {[clock milliseconds] + 5000}]
            while {$c eq "" && [clock milliseconds] < $deadline} {
                if {[catch {::resp::connect 127.0.0.1 $port 0} c]} { set c ""; after 20 }
            }
            assert {$c ne ""} "could not connect during the load"
            $c set_timeout 5000
            assert_error {LOADING Redis is loading the dataset in memory} {$c get key:1}
            assert_error {LOADING*} {$c ping}
            set info [$c info persistence]
            assert_equal [info_field $info loading] 1
            assert_range [info_field $info loading_loaded_perc] 0 100
            assert_morethan [info_field $info loading_total_bytes] 0
            # let it finish quickly
            $c config set key-load-delay 0
            wait_for_condition 200 50 {![catch {$c ping} p] && $p eq "PONG"}
            assert_equal [$c dbsize] 3000
            assert_equal [info_field [$c info persistence] loading] 0
            $c close
        } err opts]
        ::kvd::kill_pid $pid
        catch {exec true}
        if {$code} { return -options $opts $err }
    }
}

# ---- IDLE and FREQ records (maxmemory-policy LRU / LFU) ----------------------------------
# Redis 7.0 writes IDLE (idle seconds) before every key under an LRU policy and FREQ (the
# decayed LFU counter) under an LFU one. Loading applies IDLE under any non-LFU policy and
# FREQ only under an LFU one, relative to the load time (downtime is not idle time).

set ::lrudir [::kvd::tmpdir]
with_server [list tags {persist} overrides [list dir $::lrudir maxmemory-policy allkeys-lru]] {
    test {LRU policy: IDLETIME survives SAVE, DEBUG RELOAD and a restart} {
        r flushall
        r set s hello
        set payload [r dump s]
        r restore old 0 $payload idletime 1000
        r restore older 0 $payload idletime 100000
        r set fresh v
        assert_range [r object idletime old] 1000 1001
        # longer than the 24-bit clock: Redis 7.0 wraps the stamp, 100000000 reads as
        # 100000000 mod 2^24 and 2^24 - 1 as 0 (both measured on redis-server 7.0.15)
        r restore wrapped 0 $payload idletime 100000000
        r restore maxed 0 $payload idletime 16777215
        assert_range [r object idletime wrapped] 16113920 16113921
        assert_range [r object idletime maxed] 0 1
        r save
        # IDLE (0xf8) with 1000 as a 14-bit length, then the string type and the key
        assert_match "*\xf8\x43\[\xe8-\xea\]\x00\x03old*" [persist_read [file join $::lrudir dump.rdb]]
        assert_equal [r debug reload] OK
        assert_range [r object idletime old] 1000 1003
        assert_range [r object idletime older] 100000 100003
        assert_range [r object idletime fresh] 0 3
        assert_range [r object idletime wrapped] 16113920 16113923
        persist_restart
        assert_range [r object idletime old] 1000 1005
        assert_range [r object idletime older] 100000 100005
        assert_range [r object idletime fresh] 0 5
    }

    test {IDLE records apply under a non-LRU policy and are ignored under an LFU one} {
        # the file of the previous test, loaded under other policies without saving again
        r config set maxmemory-policy noeviction
        assert_equal [r debug reload nosave] OK
        assert_range [r object idletime old] 1000 1008
        r config set maxmemory-policy allkeys-lfu
        assert_equal [r debug reload nosave] OK
        assert_error {*An LFU maxmemory policy is selected*} {r object idletime old}
        # the counter is whatever a new key gets, not derived from the idle time
        assert_equal [r object freq old] [r object freq fresh]
        assert_equal [r object freq older] [r object freq fresh]
        r config set maxmemory-policy allkeys-lru
        assert_equal [r debug reload nosave] OK
        assert_range [r object idletime old] 1000 1008
    }
}

set ::lfudir [::kvd::tmpdir]
with_server [list tags {persist} overrides [list dir $::lfudir maxmemory-policy allkeys-lfu]] {
    test {LFU policy: FREQ survives SAVE, DEBUG RELOAD and a restart} {
        r flushall
        r set s hello
        set payload [r dump s]
        r restore f0 0 $payload freq 0
        r restore f100 0 $payload freq 100
        r restore f255 0 $payload freq 255
        assert_equal [r object freq f100] 100
        r save
        # FREQ (0xf9) and the counter byte (99 if a minute boundary passed), then the key
        assert_match "*\xf9\[\x63\x64\]\x00\x04f100*" [persist_read [file join $::lfudir dump.rdb]]
        assert_match "*\xf9\[\xfe\xff\]\x00\x04f255*" [persist_read [file join $::lfudir dump.rdb]]
        assert_equal [r debug reload] OK
        assert_range [r object freq f100] 99 100
        assert_range [r object freq f255] 254 255
        assert_equal [r object freq f0] 0
        persist_restart
        assert_range [r object freq f100] 98 100
        assert_range [r object freq f255] 253 255
        assert_equal [r object freq f0] 0
    }

    test {FREQ records are ignored under an LRU policy} {
        r config set maxmemory-policy allkeys-lru
        assert_equal [r debug reload nosave] OK
        assert_error {*An LFU maxmemory policy is not selected*} {r object freq f100}
        assert_range [r object idletime f100] 0 3
        r config set maxmemory-policy volatile-lfu
        assert_equal [r debug reload nosave] OK
        assert_range [r object freq f255] 253 255
    }

    test {No IDLE or FREQ records without an LRU/LFU policy} {
        r config set maxmemory-policy volatile-ttl
        r save
        set f [persist_read [file join $::lfudir dump.rdb]]
        assert_no_match "*\xf9?\x00\x04f100*" $f
        assert_match "*\x00\x04f100*" $f
    }
}
