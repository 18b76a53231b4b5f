# tests/unit/faults.tcl: persistence under faults. kill -9 at random moments under a pipelined
# write load (appendfsync always: every acknowledged write survives; with a BGREWRITEAOF
# running or finishing around the kill; everysec: what survives is a consistent prefix), and
# a full disk during BGSAVE, AOF writes and AOF rewrites, made with RLIMIT_FSIZE (prlimit on
# the running server, with SIGXFSZ ignored by the wrapper that starts it, so write() fails
# with EFBIG instead of the signal killing the server; root-proof, unlike chmod), and a dir
# or appendonlydir made read-only or removed under the server (run as nobody when root).
# Written against redis-server 7.0 first (KVD_BIN=/usr/bin/redis-server), then kvd.
# Cost: about 14 s (20 kill rounds, 5 everysec ones, the disk-full and dir cases); the --asan
# run does 8 and 3 kill rounds instead (an AOF load is ~10x slower there), about 25 s.

set ::faults_rounds [expr {$::kvd::asan ? 8 : 20}]
set ::faults_everysec_rounds [expr {$::kvd::asan ? 3 : 5}]
set ::faults_writers 4
set ::faults_chunk 20   ;# INCR+RPUSH pairs per pipelined chunk

# ---- helpers ----------------------------------------------------------------------------

proc faults_read {path} {
    set f [open $path rb]
    set d [read $f]
    close $f
    return $d
}

# A script that starts the binary under test with SIGXFSZ ignored (an ignored signal stays
# ignored across exec and fork, so BGSAVE and rewrite children inherit it too).
proc faults_wrapper {} {
    set path [file join [::kvd::tmpdir] nofsz.sh]
    set f [open $path w]
    puts $f "#!/bin/sh\ntrap '' XFSZ\nexec '[::kvd::binary_path]' \"\$@\""
    close $f
    file attributes $path -permissions 0755
    return $path
}

# Soft RLIMIT_FSIZE of a running process: bytes, or "unlimited". Only the soft limit moves,
# so it can be raised again without CAP_SYS_RESOURCE.
proc faults_fsize {pid limit} {
    exec prlimit --pid $pid --fsize=$limit:
}

proc faults_start {overrides {dir ""} {wrapped 0}} {
    if {$dir ne ""} { lappend overrides dir $dir }
    set bin [expr {$wrapped ? [faults_wrapper] : ""}]
    set s [::kvd::start $overrides $bin]
    dict set s c [::resp::connect 127.0.0.1 [dict get $s port] 0]
    return $s
}

proc faults_stop {s} {
    catch {[dict get $s c] close}
    ::kvd::stop $s
}

# Starts a server with starter (faults_start or faults_rodir_start) on dir, sends each of cmds,
# stops it and returns the replies: what a restart found.
proc faults_reopen {starter overrides dir cmds} {
    set s [$starter $overrides $dir]
    set c [dict get $s c]
    set got {}
    set code [catch {foreach cmd $cmds { lappend got [$c {*}$cmd] }} err opts]
    faults_stop $s
    if {$code} { return -options $opts $err }
    return $got
}

set ::faults_misconf_rdb {MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.}

# kill -9, then reap (and the sanitizer-log check of a normal stop).
proc faults_kill9 {s} {
    catch {exec kill -9 [dict get $s pid]}
    catch {[dict get $s c] close}
    ::kvd::stop $s
}

proc faults_field {s section f} {
    return [info_field [[dict get $s c] info $section] $f]
}

# Last "... started by pid N" of the log (BGSAVE or rewrite child).
proc faults_child_pid {log what} {
    set pid ""
    foreach line [split [faults_read $log] \n] {
        if {[regexp "$what started by pid (\\d+)" $line -> p]} { set pid $p }
    }
    return $pid
}

proc faults_incr_path {dir} {
    set last ""
    foreach line [split [faults_read [file join $dir appendonlydir appendonly.aof.manifest]] \n] {
        if {[regexp {^file (\S+) seq \d+ type i} $line -> name]} { set last $name }
    }
    return [file join $dir appendonlydir $last]
}

# ---- kill -9 under a write load ---------------------------------------------------------
#
# Writer w owns cnt:w (INCR) and seq:w (RPUSH of 0,1,2...). ::F(w,csent)/(w,lsent) count
# what was sent, ::F(w,cacked)/(w,lacked) what was acknowledged (a reply read); every reply
# is checked against the value it must have. ::F(w,verified) is the list prefix already
# checked element by element.

proc faults_reset_state {} {
    array unset ::F
    for {set w 0} {$w < $::faults_writers} {incr w} {
        foreach k {csent cacked lsent lacked verified} { set ::F($w,$k) 0 }
        set ::F($w,incr_next) 1   ;# the next reply of writer w answers an INCR
    }
}

proc faults_send_chunk {d w} {
    set buf ""
    for {set i 0} {$i < $::faults_chunk} {incr i} {
        append buf [::resp::encode [list incr cnt:$w]]
        append buf [::resp::encode [list rpush seq:$w $::F($w,lsent)]]
        incr ::F($w,csent)
        incr ::F($w,lsent)
    }
    $d raw $buf
}

# Reads one reply of writer w and checks it; errors (the server is gone) propagate.
proc faults_read_one {d w} {
    set v [$d read]
    if {$::F($w,incr_next)} {
        assert_equal $v [expr {$::F($w,cacked) + 1}] "INCR reply of writer $w"
        incr ::F($w,cacked)
    } else {
        assert_equal $v [expr {$::F($w,lacked) + 1}] "RPUSH reply of writer $w"
        incr ::F($w,lacked)
    }
    set ::F($w,incr_next) [expr {!$::F($w,incr_next)}]
}

# Runs the load (one chunk per writer always in flight, every reply checked) while a
# background "sleep; kill -9" stops the server after ms milliseconds, wherever it is: reading,
# writing the AOF, fsyncing or replying. Replies the server wrote before dying are read
# afterwards and count as acknowledged. Bounded: reads time out, the killer always fires.
proc faults_load_and_kill {s ms} {
    set pid [dict get $s pid]
    set ds {}
    for {set w 0} {$w < $::faults_writers} {incr w} {
        set d [::resp::connect 127.0.0.1 [dict get $s port] 1]
        $d set_timeout 5000
        lappend ds $d
        faults_send_chunk $d $w
    }
    set killer [exec sh -c "sleep [format %.3f [expr {$ms / 1000.0}]]; kill -9 $pid" &]
    set deadline [expr {[clock milliseconds] + $ms + 10000}]
    set alive 1
    while {$alive} {
        set w 0
        foreach d $ds {
            if {[catch {
                faults_send_chunk $d $w
                for {set i 0} {$i < 2 * $::faults_chunk} {incr i} { faults_read_one $d $w }
            } err opts]} {
                if {[lindex [dict get $opts -errorcode] 0] eq "ASSERT"} {
                    return -options $opts $err
                }
                set alive 0
                break
            }
            incr w
        }
        if {[clock milliseconds] > $deadline} { error "the server outlived its kill -9" }
    }
    set w 0
    foreach d $ds {
        $d set_timeout 1000
        # what is left in the socket, then EOF
        while {$::F($w,csent) > $::F($w,cacked) || $::F($w,lsent) > $::F($w,lacked)} {
            if {[catch {faults_read_one $d $w} err opts]} {
                if {[lindex [dict get $opts -errorcode] 0] eq "ASSERT"} {
                    return -options $opts $err
                }
                break
            }
        }
        $d close
        incr w
    }
    set end [expr {[clock milliseconds] + 3000}]
    while {[::kvd::pid_alive $killer] && [clock milliseconds] < $end} { after 5 }
    catch {[dict get $s c] close}
    ::kvd::stop $s
}

# After a restart: every writer's data against what was sent and acknowledged. complete=1
# (appendfsync always): nothing acknowledged is missing; 0 (everysec): only consistency.
proc faults_check {c complete what} {
    for {set w 0} {$w < $::faults_writers} {incr w} {
        set cnt [$c get cnt:$w]
        if {$cnt eq ""} { set cnt 0 }
        set len [$c llen seq:$w]
        assert {$cnt <= $::F($w,csent)} "$what: cnt:$w is $cnt, only $::F($w,csent) INCRs sent"
        assert {$len <= $::F($w,lsent)} "$what: seq:$w has $len, only $::F($w,lsent) pushed"
        if {$complete} {
            assert {$cnt >= $::F($w,cacked)} "$what: cnt:$w is $cnt, $::F($w,cacked) acknowledged"
            assert {$len >= $::F($w,lacked)} "$what: seq:$w has $len, $::F($w,lacked) acknowledged"
        }
        # a gap-free prefix: element i is i (only the part not checked before is read)
        set from $::F($w,verified)
        if {$len < $from} {
            error "$what: seq:$w shrank from $from to $len elements"
        }
        set got [$c lrange seq:$w $from -1]
        set want {}
        for {set i $from} {$i < $len} {incr i} { lappend want $i }
        assert_equal $got $want "$what: seq:$w from $from"
        # the next round continues from what survived
        set ::F($w,csent) [set ::F($w,cacked) $cnt]
        set ::F($w,lsent) [set ::F($w,lacked) $len]
        set ::F($w,verified) $len
        set ::F($w,incr_next) 1
    }
}

test "kill -9 under pipelined writes, appendfsync always: every acknowledged write survives, 20 rounds (8 under ASan)" {
    faults_reset_state
    set s [faults_start {appendonly yes appendfsync always}]
    set dir [dict get $s dir]
    # keys for the rewrite child to walk slowly (rdb-key-save-delay is per key)
    set c [dict get $s c]
    for {set i 0} {$i < 3000} {incr i 500} {
        set kv {}
        for {set j $i} {$j < $i + 500} {incr j} { lappend kv filler:$j $j }
        $c mset {*}$kv
    }
    set killed_in_rewrite 0
    set unacked_total 0
    for {set round 0} {$round < $::faults_rounds} {incr round} {
        set c [dict get $s c]
        set mode [expr {$round % 5 == 2 ? "rewrite-done" : ($round % 5 == 4 ? "rewrite-running" : "plain")}]
        if {$mode eq "rewrite-done"} {
            $c bgrewriteaof
        } elseif {$mode eq "rewrite-running"} {
            # about 0.7 s of rewrite: the kill lands inside it
            $c config set rdb-key-save-delay 200
            assert_match {*rewriting*} [$c bgrewriteaof]
        }
        set child ""
        if {$mode eq "rewrite-running"} {
            set child [faults_child_pid [dict get $s log] "Background append only file rewriting"]
            assert {$child ne ""} "round $round: no rewrite child in the log"
        }
        set ms [expr {20 + int(rand() * 180)}]
        faults_load_and_kill $s $ms
        # the orphaned rewrite child is ours to stop too; still running, it proves the kill
        # landed during the rewrite (the child exits as soon as its base is written)
        if {$child ne ""} {
            if {[::kvd::pid_alive $child]} { incr killed_in_rewrite }
            catch {exec kill -9 $child}
            set deadline [expr {[clock milliseconds] + 3000}]
            while {[::kvd::pid_alive $child] && [clock milliseconds] < $deadline} { after 10 }
        }
        for {set w 0} {$w < $::faults_writers} {incr w} {
            incr unacked_total [expr {$::F($w,lsent) - $::F($w,lacked)}]
        }
        set s [faults_start {appendonly yes appendfsync always} $dir]
        faults_check [dict get $s c] 1 "round $round ($mode)"
        assert_equal [llength [[dict get $s c] keys filler:*]] 3000
    }
    faults_stop $s
    assert {$killed_in_rewrite >= 1} "no round killed the server during a rewrite"
    # kills must land with writes in flight for the rounds to mean anything
    assert {$unacked_total > 0} "every kill landed on an idle server"
}

test "kill -9 under pipelined writes, appendfsync everysec: what survives is a consistent prefix" {
    faults_reset_state
    set s [faults_start {appendonly yes appendfsync everysec}]
    set dir [dict get $s dir]
    for {set round 0} {$round < $::faults_everysec_rounds} {incr round} {
        faults_load_and_kill $s [expr {20 + int(rand() * 150)}]
        set s [faults_start {appendonly yes appendfsync everysec} $dir]
        faults_check [dict get $s c] 0 "everysec round $round"
    }
    faults_stop $s
}

# ---- a full disk (RLIMIT_FSIZE) -----------------------------------------------------------

proc faults_fill {c n} {
    for {set i 0} {$i < $n} {incr i 500} {
        set kv {}
        for {set j $i} {$j < $i + 500 && $j < $n} {incr j} {
            set v ""
            for {set r 0} {$r < 12} {incr r} { append v [format %08x [expr {int(rand() * 4294967296)}]] }
            lappend kv key:$j $v
        }
        $c mset {*}$kv
    }
}

test "BGSAVE on a full disk: logged, INFO err, MISCONF, old dump intact; a later BGSAVE succeeds" {
    set s [faults_start {save {3600 1}} "" 1]
    set c [dict get $s c]
    set pid [dict get $s pid]
    set code [catch {
        faults_fill $c 2000
        assert_equal [$c save] OK
        set dump [file join [dict get $s dir] dump.rdb]
        set old [faults_read $dump]
        $c set acked-before 1
        faults_fsize $pid 65536
        assert_equal [$c bgsave] {Background saving started}
        wait_for_condition 100 50 {[faults_field $s persistence rdb_bgsave_in_progress] == 0}
        assert_equal [faults_field $s persistence rdb_last_bgsave_status] err
        assert_match {*Write error saving DB on disk*File too large*} [faults_read [dict get $s log]]
        assert_equal [faults_read $dump] $old
        assert_equal [glob -nocomplain -directory [dict get $s dir] temp-*.rdb] {}
        assert_error $::faults_misconf_rdb {$c set refused 1}
        assert_error {MISCONF*} {$c ping}
        assert_equal [$c get acked-before] 1
        # space is back
        faults_fsize $pid unlimited
        assert_equal [$c bgsave] {Background saving started}
        wait_for_condition 100 50 {[faults_field $s persistence rdb_bgsave_in_progress] == 0}
        assert_equal [faults_field $s persistence rdb_last_bgsave_status] ok
        assert_equal [$c set acked-after 1] OK
        assert_equal [$c save] OK
    } err opts]
    faults_kill9 $s
    if {$code} { return -options $opts $err }
    set got [faults_reopen faults_start {save {}} [dict get $s dir] \
                 {dbsize {get acked-before} {get acked-after} {exists refused}}]
    assert_equal $got {2002 1 1 0}
}

# limit_extra: bytes the incr file may still grow. 0: the next write fails whole (EFBIG,
# "File too large"); > 0 but less than a command: a short write, which Redis 7.0 cuts off
# again and reports as ENOSPC ("No space left on device").
proc faults_aof_full {limit_extra errtext} {
    set s [faults_start {appendonly yes appendfsync everysec} "" 1]
    set c [dict get $s c]
    set pid [dict get $s pid]
    set code [catch {
        faults_fill $c 200
        set incr [faults_incr_path [dict get $s dir]]
        # everysec: the buffer reaches the file (not the disk) before the reply
        set size [file size $incr]
        faults_fsize $pid [expr {$size + $limit_extra}]
        # the write whose AOF write fails is still acknowledged (everysec): kept for the retry
        assert_equal [$c set acked-1 [string repeat x 100]] OK
        assert_equal [faults_field $s persistence aof_last_write_status] err
        # the file does not end inside a command while the error lasts
        assert_equal [file size $incr] $size
        assert_error "MISCONF Errors writing to the AOF file: $errtext" {$c set refused 1}
        assert_error "MISCONF Errors writing to the AOF file: $errtext" {$c ping}
        $c multi
        assert_error {MISCONF*} {$c incr refused}
        assert_error {EXECABORT*} {$c exec}
        # scripts: redis.call of a write fails the same way; a flagged script that may write
        # is refused before it runs
        assert_error "MISCONF Errors writing to the AOF file: $errtext script: *" \
            {$c eval {return redis.call('set','refused','1')} 0}
        assert_error "MISCONF Errors writing to the AOF file: $errtext" \
            {$c eval "#!lua\nreturn redis.call('get','acked-1')" 0}
        assert_equal [$c get acked-1] [string repeat x 100]
        set log [faults_read [dict get $s log]]
        if {$limit_extra > 0} {
            assert_match {*Short write while writing to the AOF file*} $log
        } else {
            assert_match "*Error writing to the AOF file: $errtext*" $log
        }
        # space is back: a retry (at most about a second later) writes the buffer
        faults_fsize $pid unlimited
        wait_for_condition 60 50 {[faults_field $s persistence aof_last_write_status] eq "ok"} \
            "the AOF write was not retried"
        assert_match {*AOF write error looks solved, Redis can write again.*} [faults_read [dict get $s log]]
        assert_equal [$c set acked-2 2] OK
        assert_equal [$c ping] PONG
        # the page cache survives kill -9: what write() got is what a restart loads
    } err opts]
    faults_kill9 $s
    if {$code} { return -options $opts $err }
    set got [faults_reopen faults_start {appendonly yes} [dict get $s dir] \
                 {dbsize {get acked-1} {get acked-2} {exists refused}}]
    assert_equal $got [list 202 [string repeat x 100] 2 0]
}

test "AOF write on a full disk (EFBIG): logged, INFO err, MISCONF with its strerror; caught up when space is back" {
    faults_aof_full 0 {File too large}
}

test "AOF short write on a full disk: cut off, MISCONF says ENOSPC as Redis; caught up when space is back" {
    faults_aof_full 10 {No space left on device}
}

test "AOF write error under appendfsync always: the server exits, every acknowledged write survives" {
    set s [faults_start {appendonly yes appendfsync always} "" 1]
    set c [dict get $s c]
    set pid [dict get $s pid]
    set acked 0
    set code [catch {
        faults_fill $c 100
        faults_fsize $pid [expr {[file size [faults_incr_path [dict get $s dir]]] + 1000}]
        # one write at a time: each is acknowledged only once it is on disk; the first that
        # does not fit gets no reply (the connection drops as the server exits)
        $c set_timeout 5000
        for {set i 0} {$i < 200} {incr i} {
            if {[catch {$c rpush l $i} v]} { break }
            incr acked
            assert_equal $v $acked
        }
        wait_for_condition 100 50 {![::kvd::pid_alive $pid]} "the server did not exit"
        assert_match {*Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...*} \
            [faults_read [dict get $s log]]
    } err opts]
    faults_kill9 $s
    if {$code} { return -options $opts $err }
    assert {$acked > 0 && $acked < 200} "$acked of 200 acknowledged"
    set s [faults_start {appendonly yes} [dict get $s dir]]
    set c [dict get $s c]
    set len [$c llen l]
    set last [$c lindex l -1]
    faults_stop $s
    # every acknowledged push, in order; nothing beyond the failed write
    assert {$len >= $acked && $len < 200} "$len elements, $acked acknowledged"
    assert_equal $last [expr {$len - 1}]
}

test "AOF rewrite on a full disk: INFO err, writes go on; a later rewrite succeeds and a restart has everything" {
    set s [faults_start {appendonly yes} "" 1]
    set c [dict get $s c]
    set pid [dict get $s pid]
    set code [catch {
        faults_fill $c 2000
        $c bgrewriteaof
        wait_for_condition 100 50 {[faults_field $s persistence aof_rewrite_in_progress] == 0}
        assert_equal [faults_field $s persistence aof_last_bgrewrite_status] ok
        # the new base (about 200 KB) cannot fit; the incr file can
        faults_fsize $pid 65536
        assert_match {*rewriting started*} [$c bgrewriteaof]
        wait_for_condition 100 50 {[faults_field $s persistence aof_rewrite_in_progress] == 0}
        assert_equal [faults_field $s persistence aof_last_bgrewrite_status] err
        assert_equal [$c set during-error 1] OK
        assert_equal [faults_field $s persistence aof_last_write_status] ok
        faults_fsize $pid unlimited
        assert_match {*rewriting started*} [$c bgrewriteaof]
        wait_for_condition 100 50 {[faults_field $s persistence aof_rewrite_in_progress] == 0}
        assert_equal [faults_field $s persistence aof_last_bgrewrite_status] ok
        assert_equal [$c set after-rewrite 1] OK
        assert_equal [glob -nocomplain -directory [file join [dict get $s dir] appendonlydir] temp-*] {}
        assert_equal [glob -nocomplain -directory [dict get $s dir] temp-*] {}
    } err opts]
    faults_kill9 $s
    if {$code} { return -options $opts $err }
    set got [faults_reopen faults_start {appendonly yes} [dict get $s dir] \
                 {dbsize {get during-error} {get after-rewrite}}]
    assert_equal $got {2002 1 1}
}

# A failing disk under fsync cannot be made without root, so the kvd-only hook DEBUG
# AOF-FSYNC-FAIL makes each background fsync (everysec) report EIO after it ran. Real Redis
# has no such hook: skipped there. Cost: about 3 s (two one-second fsync periods).
if {[file tail [::kvd::binary_path]] ne "redis-server"} {
test "AOF background fsync fails (EIO, kvd test hook): logged, INFO err, MISCONF; resumes when fsync works" {
    set s [faults_start {appendonly yes appendfsync everysec}]
    set c [dict get $s c]
    set code [catch {
        faults_fill $c 50
        assert_equal [faults_field $s persistence aof_last_write_status] ok
        assert_equal [$c debug aof-fsync-fail 5] OK
        # the write reaches the file and is acknowledged; its fsync (within a second) fails.
        # The fill's own fsync may still be due and fail first: then this write is refused.
        set acked1 [expr {![catch {$c set acked-1 v1} v]}]
        if {!$acked1} { assert_match {MISCONF*} $v }
        wait_for_condition 60 50 {[faults_field $s persistence aof_last_write_status] eq "err"} \
            "the failed fsync was not reported in INFO"
        set errtext {Input/output error}
        assert_error "MISCONF Errors writing to the AOF file: $errtext" {$c set refused 1}
        assert_error "MISCONF Errors writing to the AOF file: $errtext" {$c ping}
        $c multi
        assert_error {MISCONF*} {$c incr refused}
        assert_error {EXECABORT*} {$c exec}
        assert_error "MISCONF Errors writing to the AOF file: $errtext script: *" \
            {$c eval {return redis.call('set','refused','1')} 0}
        assert_error "MISCONF Errors writing to the AOF file: $errtext" \
            {$c eval "#!lua\nreturn redis.call('get','acked-1')" 0}
        # reads go on
        assert_equal [$c get acked-1] [expr {$acked1 ? "v1" : ""}]
        wait_for_condition 40 50 {[string match {*Fail to fsync the AOF file: Input/output error*} \
            [faults_read [dict get $s log]]]} "the failed fsync was not logged"
        # still failing after the once-a-second retry
        after 1200
        assert_equal [faults_field $s persistence aof_last_write_status] err
        assert_error "MISCONF*" {$c set refused 1}
        # the disk is back: the retry (at most about a second later) succeeds
        assert_equal [$c debug aof-fsync-fail 0] OK
        wait_for_condition 60 50 {[faults_field $s persistence aof_last_write_status] eq "ok"} \
            "the fsync was not retried"
        # logged from the cron, a tick after INFO can see it
        wait_for_condition 40 50 {[string match {*AOF fsync error looks solved*} \
            [faults_read [dict get $s log]]]} "the recovery was not logged"
        assert_equal [$c set acked-2 v2] OK
        assert_equal [$c ping] PONG
        assert_error {ERR value is not an integer*} {$c debug aof-fsync-fail abc}
    } err opts]
    faults_kill9 $s
    if {$code} { return -options $opts $err }
    set got [faults_reopen faults_start {appendonly yes} [dict get $s dir] \
                 {dbsize {get acked-1} {get acked-2} {exists refused}}]
    assert_equal $got [list [expr {51 + $acked1}] [expr {$acked1 ? "v1" : ""}] v2 0]
}
}

# ---- an unwritable or removed dir ------------------------------------------------------------
#
# chmod does not stop root, so when the suite runs as root the server runs as nobody (65534,
# setpriv from util-linux) in a data dir chowned to it; as anyone else it runs as that user.
# The tests change the data dir's mode (or remove it) under the running server and always
# put it back, so the harness can delete it. Cost: about 3 s.

set ::faults_is_root [expr {[exec id -u] == 0}]

# "" when the server can be started as an unprivileged user, else why not (the tests skip).
proc faults_rodir_unusable {} {
    if {!$::faults_is_root} { return "" }
    if {[auto_execok setpriv] eq ""} { return "setpriv (util-linux) is missing" }
    if {[catch {exec setpriv --reuid=65534 --regid=65534 --clear-groups test -x [::kvd::binary_path]}]} {
        return "user 65534 cannot reach [::kvd::binary_path]"
    }
    return ""
}

# A script that starts the binary under test as nobody: the PID stays the server's (exec).
proc faults_nobody_wrapper {} {
    set path [file join [::kvd::tmpdir] nobody.sh]
    set f [open $path w]
    puts $f "#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups '[::kvd::binary_path]' \"\$@\""
    close $f
    file attributes $path -permissions 0755
    return $path
}

proc faults_own {path} {
    if {$::faults_is_root} { exec chown 65534:65534 $path }
}

# Starts a server whose dir is data (made, and owned by the server's user, when missing);
# CONFIG SET dir needs enable-protected-configs. The dict gets `data`.
proc faults_rodir_start {overrides {data ""}} {
    if {$data eq ""} { set data [file join [::kvd::tmpdir] data] }
    if {![file isdirectory $data]} {
        file mkdir $data
        faults_own $data
    }
    lappend overrides dir $data enable-protected-configs yes
    set bin [expr {$::faults_is_root ? [faults_nobody_wrapper] : ""}]
    set s [::kvd::start $overrides $bin]
    dict set s c [::resp::connect 127.0.0.1 [dict get $s port] 0]
    dict set s data $data
    return $s
}

# The body runs with the data dir read-only; it is writable again afterwards, whatever happened.
proc faults_readonly {dir body} {
    file attributes $dir -permissions 0555
    set code [catch {uplevel 1 $body} err opts]
    file attributes $dir -permissions 0755
    return -options $opts $err
}

proc faults_wait_bgsave {s} {
    wait_for_condition 100 50 {[faults_field $s persistence rdb_bgsave_in_progress] == 0} \
        "the BGSAVE did not end"
}

proc faults_wait_rewrite {s} {
    wait_for_condition 100 50 {[faults_field $s persistence aof_rewrite_in_progress] == 0 &&
        [faults_field $s persistence aof_rewrite_scheduled] == 0} "the rewrite did not end"
}

set ::faults_rodir_why [faults_rodir_unusable]
if {$::faults_rodir_why ne ""} {
    puts "faults.tcl: read-only dir tests skipped: $::faults_rodir_why"
} else {

test "BGSAVE into a read-only dir: INFO err, MISCONF, old dump intact; writable again: BGSAVE ok, a restart has every acknowledged write" {
    set s [faults_rodir_start {save {3600 1}}]
    set c [dict get $s c]
    set data [dict get $s data]
    set code [catch {
        faults_fill $c 300
        $c set acked-before 1
        assert_equal [$c save] OK
        set dump [file join $data dump.rdb]
        set old [faults_read $dump]
        faults_readonly $data {
            $c set acked-ro 1
            assert_equal [$c bgsave] {Background saving started}
            faults_wait_bgsave $s
            assert_equal [faults_field $s persistence rdb_last_bgsave_status] err
            assert_match {*Failed opening the temp RDB file temp-*.rdb (in server root dir *) for saving: Permission denied*} \
                [faults_read [dict get $s log]]
            assert_error $::faults_misconf_rdb {$c set refused 1}
            assert_error {MISCONF*} {$c ping}
            # a foreground SAVE fails the same way, with a bare ERR
            assert_error ERR {$c save}
            assert_equal [faults_field $s persistence rdb_last_bgsave_status] err
            assert_equal [faults_read $dump] $old
            assert_equal [glob -nocomplain -directory $data temp-*] {}
            assert_equal [$c get acked-ro] 1
        }
        assert_equal [$c bgsave] {Background saving started}
        faults_wait_bgsave $s
        assert_equal [faults_field $s persistence rdb_last_bgsave_status] ok
        assert_equal [$c set acked-after 1] OK
        assert_equal [$c ping] PONG
    } err opts]
    # SIGTERM: the shutdown save (a save point is set) holds acked-after
    faults_stop $s
    if {$code} { return -options $opts $err }
    set got [faults_reopen faults_rodir_start {save {}} $data \
                 {dbsize {get acked-before} {get acked-ro} {get acked-after} {exists refused}}]
    assert_equal $got {303 1 1 1 0}
}

test "AOF rewrite with a read-only appendonlydir, then a read-only dir: refused / fails, INFO err, writes go on; writable again: a rewrite succeeds and a restart has everything" {
    set s [faults_rodir_start {appendonly yes}]
    set c [dict get $s c]
    set data [dict get $s data]
    set aofdir [file join $data appendonlydir]
    set code [catch {
        faults_fill $c 300
        # the new incr file cannot be made: refused before any fork
        faults_readonly $aofdir {
            assert_error {ERR Can't execute an AOF background rewriting. Please check the server logs for more information.} \
                {$c bgrewriteaof}
            assert_equal [faults_field $s persistence aof_last_bgrewrite_status] err
            assert_equal [faults_field $s persistence aof_rewrites_consecutive_failures] 0
            assert_match {*Can't open the append-only file appendonly.aof.2.incr.aof: Permission denied*} \
                [faults_read [dict get $s log]]
            # writes go on to the old incr file
            assert_equal [$c set during-1 1] OK
            assert_equal [faults_field $s persistence aof_last_write_status] ok
        }
        # the child's temp base goes in dir itself, as in Redis: its rewrite fails there
        faults_readonly $data {
            assert_equal [$c bgrewriteaof] {Background append only file rewriting started}
            faults_wait_rewrite $s
            assert_equal [faults_field $s persistence aof_last_bgrewrite_status] err
            assert_equal [faults_field $s persistence aof_rewrites_consecutive_failures] 1
            assert_match {*Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): Permission denied*} \
                [faults_read [dict get $s log]]
            assert_equal [$c set during-2 2] OK
            assert_equal [faults_field $s persistence aof_last_write_status] ok
        }
        assert_equal [$c bgrewriteaof] {Background append only file rewriting started}
        faults_wait_rewrite $s
        assert_equal [faults_field $s persistence aof_last_bgrewrite_status] ok
        assert_equal [faults_field $s persistence aof_rewrites_consecutive_failures] 0
        assert_equal [$c set after 3] OK
        assert_equal [glob -nocomplain -directory $data temp-*] {}
        assert_equal [glob -nocomplain -directory $aofdir temp-*] {}
    } err opts]
    # the page cache survives kill -9: what write() got is what a restart loads
    faults_kill9 $s
    if {$code} { return -options $opts $err }
    set got [faults_reopen faults_rodir_start {appendonly yes} $data \
                 {dbsize {get during-1} {get during-2} {get after}}]
    assert_equal $got {303 1 2 3}
}

test "CONFIG SET appendonly yes on a read-only dir: refused as Redis, AOF stays off; writable again: turned on, a restart has everything" {
    set s [faults_rodir_start {}]
    set c [dict get $s c]
    set data [dict get $s data]
    set code [catch {
        faults_fill $c 300
        faults_readonly $data {
            assert_error {ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs.} \
                {$c config set appendonly yes}
            assert_equal [$c config get appendonly] {appendonly no}
            assert_equal [faults_field $s persistence aof_enabled] 0
            assert_equal [faults_field $s persistence aof_last_bgrewrite_status] err
            assert_match {*Can't open or create append-only dir appendonlydir: Permission denied*} \
                [faults_read [dict get $s log]]
            assert_equal [$c set during 1] OK
        }
        assert_equal [$c config set appendonly yes] OK
        faults_wait_rewrite $s
        assert_equal [faults_field $s persistence aof_enabled] 1
        assert_equal [faults_field $s persistence aof_last_bgrewrite_status] ok
        assert_equal [$c set after 2] OK
    } err opts]
    faults_kill9 $s
    if {$code} { return -options $opts $err }
    set got [faults_reopen faults_rodir_start {appendonly yes} $data \
                 {dbsize {get during} {get after}}]
    assert_equal $got {302 1 2}
}

test "CONFIG SET appendonly yes with only dir read-only: OK, the rewrite fails and writes go on; writable again: a rewrite turns it on, nothing lost" {
    set s [faults_rodir_start {}]
    set c [dict get $s c]
    set data [dict get $s data]
    set aofdir [file join $data appendonlydir]
    file mkdir $aofdir
    faults_own $aofdir
    set code [catch {
        faults_fill $c 300
        faults_readonly $data {
            # the incr file can be made: the child fails on its temp base in dir
            assert_equal [$c config set appendonly yes] OK
            wait_for_condition 100 50 {[faults_field $s persistence aof_last_bgrewrite_status] eq "err"} \
                "the rewrite did not fail"
            assert_equal [faults_field $s persistence aof_enabled] 1
            assert_equal [$c config get appendonly] {appendonly yes}
            assert_equal [$c set during 1] OK
        }
        # a retry of the server's own may be running: then it is the one waited for
        if {[catch {$c bgrewriteaof} v]} { assert_match {*already in progress*} $v }
        faults_wait_rewrite $s
        assert_equal [faults_field $s persistence aof_last_bgrewrite_status] ok
        assert_equal [$c set after 2] OK
    } err opts]
    faults_kill9 $s
    if {$code} { return -options $opts $err }
    set got [faults_reopen faults_rodir_start {appendonly yes} $data \
                 {dbsize {get during} {get after}}]
    assert_equal $got {302 1 2}
}

test "the dir removed under a running server: BGSAVE fails, CONFIG GET dir is empty; mkdir and CONFIG SET dir: BGSAVE succeeds" {
    set s [faults_rodir_start {save {3600 1}}]
    set c [dict get $s c]
    set data [dict get $s data]
    set code [catch {
        faults_fill $c 300
        assert_equal [$c save] OK
        file delete [file join $data dump.rdb]
        file delete $data
        assert_equal [$c bgsave] {Background saving started}
        faults_wait_bgsave $s
        assert_equal [faults_field $s persistence rdb_last_bgsave_status] err
        assert_match {*Failed opening the temp RDB file temp-*.rdb (in server root dir unknown) for saving: No such file or directory*} \
            [faults_read [dict get $s log]]
        assert_error $::faults_misconf_rdb {$c set refused 1}
        assert_equal [$c config get dir] {dir {}}
        # a new dir of the same name is not where the server is
        file mkdir $data
        faults_own $data
        assert_equal [$c bgsave] {Background saving started}
        faults_wait_bgsave $s
        assert_equal [faults_field $s persistence rdb_last_bgsave_status] err
        assert_equal [file exists [file join $data dump.rdb]] 0
        assert_equal [$c config set dir $data] OK
        assert_equal [$c config get dir] [list dir [file normalize $data]]
        assert_equal [$c bgsave] {Background saving started}
        faults_wait_bgsave $s
        assert_equal [faults_field $s persistence rdb_last_bgsave_status] ok
        assert_equal [$c set acked-after 1] OK
    } err opts]
    if {![file isdirectory $data]} { file mkdir $data }
    # a failure may leave the server in the removed dir, where its shutdown save fails
    if {$code} { faults_kill9 $s } else { faults_stop $s }
    if {$code} { return -options $opts $err }
    set got [faults_reopen faults_rodir_start {save {}} $data \
                 {dbsize {get acked-after} {exists refused}}]
    assert_equal $got {301 1 0}
}

}
