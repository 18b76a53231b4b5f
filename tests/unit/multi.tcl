# tests/unit/multi.tcl: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Every expectation was checked
# against redis-server 7.0 (run this suite with KVD_BIN=/usr/bin/redis-server).

with_server {tags {multi}} {
    test {MULTI queues commands and EXEC replies an array of their replies} {
        r del a b
        assert_equal [r multi] OK
        assert_equal [r set a 1] QUEUED
        assert_equal [r incr a] QUEUED
        assert_equal [r get a] QUEUED
        assert_equal [r exec] {OK 2 2}
    }

    test {EXEC and DISCARD without MULTI are errors} {
        assert_error "ERR EXEC without MULTI" {r exec}
        assert_error "ERR DISCARD without MULTI" {r discard}
    }

    test {MULTI cannot be nested, and the error does not doom the transaction} {
        r multi
        assert_error "ERR MULTI calls can not be nested" {r multi}
        r set n 1
        assert_equal [r exec] {OK}
    }

    test {Unknown command while queuing makes EXEC fail with EXECABORT} {
        r del x
        r multi
        r set x 1
        catch {r nosuchcommand foo}
        assert_equal [r rawcmd exec] "-EXECABORT Transaction discarded because of previous errors.\r\n"
        assert_equal [r exists x] 0
    }

    test {Wrong arity while queuing makes EXEC fail with EXECABORT} {
        r multi
        assert_error "ERR wrong number of arguments for 'get' command" {r get}
        assert_error "EXECABORT*" {r exec}
    }

    test {A no-multi command is refused inside MULTI and dooms the transaction} {
        r multi
        assert_error "ERR Command not allowed inside a transaction" {r shutdown}
        assert_error "EXECABORT Transaction discarded because of previous errors." {r exec}
    }

    test {EXEC with arguments is aborted with the arity error wrapped} {
        assert_equal [r rawcmd exec x] "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"
        r multi
        r set y 1
        assert_equal [r rawcmd exec x] "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"
        assert_error "ERR EXEC without MULTI" {r exec}
    }

    test {Runtime errors inside EXEC do not roll back the other commands} {
        r del a b
        r set a 1
        r multi
        r incr a
        r lpush a x
        r set b 1
        assert_equal [r rawcmd exec] "*3\r\n:2\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+OK\r\n"
        assert_equal [r get b] 1
    }

    test {DISCARD drops the queue and leaves MULTI} {
        r set d 1
        r multi
        r set d 2
        assert_equal [r discard] OK
        assert_equal [r get d] 1
        assert_error "ERR EXEC without MULTI" {r exec}
    }

    test {DISCARD with arguments is an arity error that dooms the transaction} {
        r multi
        r set d 3
        assert_error "ERR wrong number of arguments for 'discard' command" {r discard x}
        assert_error "EXECABORT*" {r exec}
        assert_equal [r get d] 1
    }

    test {Empty transaction replies an empty array} {
        r multi
        assert_equal [r rawcmd exec] "*0\r\n"
    }

    test {WATCH inside MULTI is refused without dooming the transaction} {
        r multi
        assert_error "ERR WATCH inside MULTI is not allowed" {r watch x}
        r set w 1
        assert_equal [r exec] {OK}
    }

    test {MONITOR inside MULTI fails at EXEC time} {
        r multi
        assert_equal [r monitor] QUEUED
        assert_equal [r rawcmd exec] "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n"
        assert_equal [r ping] PONG
    }

    test {SELECT inside MULTI applies to the following queued commands} {
        r select 0
        r del s
        r multi
        r select 1
        r set s one
        r select 0
        r exec
        assert_equal [r exists s] 0
        r select 1
        assert_equal [r get s] one
        r del s
        r select 0
    }

    test {Queued arguments survive the query buffer (pipelined MULTI)} {
        set c [redis_client]
        set big [string repeat x 20000]
        set bytes ""
        append bytes [::resp::encode {multi}]
        for {set i 0} {$i < 20} {incr i} { append bytes [::resp::encode [list set k$i $big$i]] }
        append bytes [::resp::encode {exec}]
        $c raw $bytes
        assert_equal [$c read] OK
        for {set i 0} {$i < 20} {incr i} { assert_equal [$c read] QUEUED }
        assert_equal [llength [$c read]] 20
        assert_equal [r get k7] ${big}7
        $c close
    }

    test {Blocking commands inside MULTI do not block} {
        r del nolist
        r multi
        r blpop nolist 0
        r brpoplpush nolist other 0
        assert_equal [r rawcmd exec] "*2\r\n*-1\r\n\$-1\r\n"
    }

    test {CLIENT LIST shows the MULTI flag and queue length} {
        set id [r client id]
        r multi
        r set a 1
        r client list id $id
        set line [lindex [r exec] end]
        assert_match {*flags=x *multi=2 *} $line
        assert_match {*multi=-1 *} [r client list id $id]
    }

    test {RESET leaves MULTI and forgets WATCHed keys} {
        set c [redis_client]
        $c set rk 1
        $c watch rk
        $c multi
        $c set rk 2
        assert_equal [$c reset] RESET
        assert_error "ERR EXEC without MULTI" {$c exec}
        r set rk 3
        $c multi
        $c set rk 4
        assert_equal [$c exec] {OK}
        $c close
    }

    # ---- WATCH --------------------------------------------------------------------------

    test {EXEC succeeds when the WATCHed key is untouched} {
        r set wk 1
        r watch wk
        r multi
        r incr wk
        assert_equal [r exec] {2}
    }

    test {EXEC fails with a null array when another client changes a WATCHed key} {
        set c [redis_client]
        r set wk 1
        r watch wk
        $c set wk 2
        r multi
        r set wk 3
        assert_equal [r rawcmd exec] "*-1\r\n"
        assert_equal [r get wk] 2
        $c close
    }

    test {In RESP3 a failed EXEC replies the null type} {
        set c [redis_client]
        $c hello 3
        $c set wk 1
        $c watch wk
        r set wk 5
        $c multi
        $c get wk
        assert_equal [$c rawcmd exec] "_\r\n"
        $c multi
        $c get wk
        assert_equal [$c rawcmd exec] "*1\r\n\$1\r\n5\r\n"
        $c close
    }

    test {A write by the same client before MULTI invalidates its WATCH} {
        r set wk 1
        r watch wk
        r set wk 2
        r multi
        r get wk
        assert_equal [r exec] {}
        # EXEC unwatched: the next transaction runs
        r multi
        r get wk
        assert_equal [r exec] {2}
    }

    test {A write while the transaction is queued invalidates it} {
        set c [redis_client]
        r set wk 1
        r watch wk
        r multi
        r incr wk
        $c del wk
        assert_equal [r exec] {}
        $c close
    }

    test {WATCH of a missing key fails when it is created} {
        set c [redis_client]
        r del nk
        r watch nk
        $c set nk 1
        r multi
        r ping
        assert_equal [r exec] {}
        $c close
    }

    test {Deleting a missing WATCHed key does not invalidate} {
        set c [redis_client]
        r del nk
        r watch nk
        $c del nk
        r multi
        r ping
        assert_equal [r exec] {PONG}
        $c close
    }

    test {UNWATCH forgets watched keys} {
        set c [redis_client]
        r set wk 1
        r watch wk
        assert_equal [r unwatch] OK
        $c set wk 2
        r multi
        r ping
        assert_equal [r exec] {PONG}
        $c close
    }

    test {UNWATCH also clears an invalidation} {
        r set wk 1
        r watch wk
        r set wk 2
        r unwatch
        r multi
        r ping
        assert_equal [r exec] {PONG}
    }

    test {DISCARD unwatches} {
        set c [redis_client]
        r set wk 1
        r watch wk
        r multi
        r discard
        $c set wk 2
        r multi
        r ping
        assert_equal [r exec] {PONG}
        $c close
    }

    test {WATCH is per key and per db} {
        set c [redis_client]
        r set wk 1
        r watch wk
        $c select 1
        $c set wk 9
        $c select 0
        $c set other 1
        r multi
        r ping
        assert_equal [r exec] {PONG}
        $c select 1
        $c del wk
        $c close
    }

    test {WATCH with several keys fails if any one changes} {
        set c [redis_client]
        r mset k1 1 k2 2 k3 3
        r watch k1 k2 k3
        $c incr k3
        r multi
        r ping
        assert_equal [r exec] {}
        $c close
    }

    test {EXPIRE on a WATCHed key invalidates} {
        r set wk 1
        r watch wk
        r expire wk 100
        r multi
        r ping
        assert_equal [r exec] {}
    }

    test {A WATCHed key that expires after WATCH fails EXEC} {
        r set ek 1 px 30
        r watch ek
        after 60
        r multi
        r ping
        assert_equal [r exec] {}
    }

    test {A key already expired when WATCHed does not fail EXEC when it is deleted} {
        r debug set-active-expire 0
        r set ek 1 px 1
        after 5
        r watch ek
        assert_equal [r exists ek] 0
        r multi
        r ping
        assert_equal [r exec] {PONG}
        r debug set-active-expire 1
    }

    test {A key already expired when WATCHed still fails EXEC when set again} {
        set c [redis_client]
        r debug set-active-expire 0
        r set ek 1 px 1
        after 5
        r watch ek
        $c set ek 2
        r multi
        r ping
        assert_equal [r exec] {}
        r debug set-active-expire 1
        $c close
    }

    test {RENAME invalidates WATCH on both source and destination} {
        set c [redis_client]
        r mset src 1 dst 2
        r watch src
        $c rename src dst
        r multi
        r ping
        assert_equal [r exec] {}
        r set src 1
        r watch dst
        $c rename src dst
        r multi
        r ping
        assert_equal [r exec] {}
        $c close
    }

    test {MOVE invalidates WATCH on the moved key} {
        set c [redis_client]
        r select 1
        r del mk
        r select 0
        r set mk 1
        r watch mk
        $c move mk 1
        r multi
        r ping
        assert_equal [r exec] {}
        r select 1
        r del mk
        r select 0
        $c close
    }

    test {FLUSHDB invalidates WATCH on existing keys only} {
        set c [redis_client]
        r set fk 1
        r watch fk
        $c flushdb
        r multi
        r ping
        assert_equal [r exec] {}
        r del missing
        r watch missing
        $c flushdb
        r multi
        r ping
        assert_equal [r exec] {PONG}
        $c close
    }

    test {FLUSHALL invalidates WATCH} {
        set c [redis_client]
        r set fk 1
        r watch fk
        $c flushall
        r multi
        r ping
        assert_equal [r exec] {}
        $c close
    }

    test {SWAPDB invalidates WATCH when the key changes} {
        set c [redis_client]
        r flushall
        r set sk 1
        r watch sk
        $c swapdb 0 1
        r multi
        r ping
        assert_equal [r exec] {}
        $c swapdb 0 1
        # key missing in both dbs: nothing changes
        r watch none
        $c swapdb 0 1
        r multi
        r ping
        assert_equal [r exec] {PONG}
        $c swapdb 0 1
        $c close
    }

    test {A dirty transaction still replies QUEUED} {
        r set wk 1
        r watch wk
        r set wk 2
        r multi
        assert_equal [r set wk 3] QUEUED
        assert_equal [r exec] {}
        assert_equal [r get wk] 2
    }

    # ---- blocked clients and EXEC ---------------------------------------------------------

    test {Blocked clients are served only after the whole EXEC} {
        r del bl
        set rd [redis_deferring_client]
        $rd blpop bl 5
        wait_for_condition 50 10 {[info_field [r info clients] blocked_clients] == 1}
        r multi
        r rpush bl a
        r lpop bl
        assert_equal [r exec] {1 a}
        r rpush bl b
        assert_equal [$rd read] {bl b}
        $rd close
    }

    test {A push in EXEC serves the blocked client once EXEC ends} {
        r del bl
        set rd [redis_deferring_client]
        $rd blpop bl 5
        wait_for_condition 50 10 {[info_field [r info clients] blocked_clients] == 1}
        r multi
        r rpush bl a b
        r llen bl
        assert_equal [r exec] {2 2}
        assert_equal [$rd read] {bl a}
        assert_equal [r lrange bl 0 -1] {b}
        $rd close
    }

    test {Commands run inside EXEC count in commandstats; queuing does not} {
        r config resetstat
        r multi
        r set cs 1
        r get cs
        r exec
        set info [r info commandstats]
        assert_match {*cmdstat_set:calls=1,*} $info
        assert_match {*cmdstat_exec:calls=1,*} $info
        assert_match {*cmdstat_multi:calls=1,*} $info
    }

    test {COMMAND INFO of the transaction commands} {
        assert_equal [lrange [lindex [r command info watch] 0] 0 5] {watch -2 {noscript loading stale fast allow_busy} 1 -1 1}
        assert_equal [lrange [lindex [r command info exec] 0] 0 5] {exec 1 {noscript loading stale skip_slowlog} 0 0 0}
        assert_equal [lindex [lindex [r command info multi] 0] 6] {@fast @transaction}
    }
}
