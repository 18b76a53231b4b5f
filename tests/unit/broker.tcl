# tests/unit/broker.tcl: kvd as a task-queue broker.
#
# The queue test: 8 producer connections LPUSH while 8 consumer connections BRPOP (1 s
# timeout) from the same list; every message delivered exactly once, per-producer order kept,
# no consumer starved, list empty at the end: 100,000 messages per producer as the issue asks
# (KVD_BROKER_MSGS overrides, e.g. for the sanitizer build). The connections' commands
# interleave freely on the server: every round each producer pipelines one LPUSH of a batch
# and each consumer pipelines as many BRPOPs, and replies are read only after all were sent.
#
# The reliable-queue test: BLMOVE into a per-consumer processing list, LREM to acknowledge, a
# consumer killed between BLMOVE and LREM, and its message recovered by moving the processing
# list back to the queue.

# Sends cmd (a list of words) count times as one pipelined write.
proc pipeline {c count args} {
    set one [::resp::encode $args]
    $c raw [string repeat $one $count]
}

with_server {tags {broker}} {
    test {Queue: 8 producers LPUSH while 8 consumers BRPOP, exactly once and in order} {
        r flushall
        set per [expr {[info exists ::env(KVD_BROKER_MSGS)] ? $::env(KVD_BROKER_MSGS) : 100000}]
        set batch 250
        set np 8
        set nc 8
        set producers {}
        set consumers {}
        for {set i 0} {$i < $np} {incr i} { lappend producers [redis_deferring_client] }
        for {set i 0} {$i < $nc} {incr i} { lappend consumers [redis_deferring_client] }
        # next sequence number per producer, messages seen per consumer
        for {set i 0} {$i < $np} {incr i} { set seq($i) 0 }
        for {set i 0} {$i < $nc} {incr i} { set got($i) 0 }
        set rounds [expr {$per / $batch}]
        set delivered 0
        set ordered 1
        for {set r 0} {$r < $rounds} {incr r} {
            # consumers first: their BRPOPs block until the pushes arrive
            for {set i 0} {$i < $nc} {incr i} {
                pipeline [lindex $consumers $i] $batch brpop q 1
            }
            for {set i 0} {$i < $np} {incr i} {
                set msgs {}
                for {set j 0} {$j < $batch} {incr j} { lappend msgs "$i:[expr {$seq($i) + $j}]" }
                incr seq($i) $batch
                [lindex $producers $i] lpush q {*}$msgs
            }
            for {set i 0} {$i < $np} {incr i} { [lindex $producers $i] read }
            for {set i 0} {$i < $nc} {incr i} {
                set c [lindex $consumers $i]
                for {set j 0} {$j < $batch} {incr j} {
                    set reply [$c read]
                    if {$reply eq ""} { continue }
                    lassign [split [lindex $reply 1] :] p s
                    # a consumer sees each producer's messages in increasing order, and
                    # across consumers every message exactly once
                    if {[info exists seen($p:$s)]} { error "message $p:$s delivered twice" }
                    set seen($p:$s) 1
                    if {[info exists clast($i,$p)] && $s <= $clast($i,$p)} { set ordered 0 }
                    set clast($i,$p) $s
                    incr got($i)
                    incr delivered
                }
            }
        }
        # whatever is left (pops that timed out while a push was in flight) is drained here
        while {[set reply [r brpop q 0.2]] ne ""} {
            lassign [split [lindex $reply 1] :] p s
            if {[info exists seen($p:$s)]} { error "message $p:$s delivered twice" }
            set seen($p:$s) 1
            incr delivered
        }
        assert_equal $delivered [expr {$np * $rounds * $batch}]
        assert_equal [array size seen] $delivered
        assert_equal $ordered 1
        for {set i 0} {$i < $nc} {incr i} {
            # no consumer starved: each got at least a quarter of a fair share
            assert_morethan $got($i) [expr {$rounds * $batch / 4}]
        }
        assert_equal [r llen q] 0
        assert_equal [r exists q] 0
        foreach c [concat $producers $consumers] { $c close }
    }

    test {Reliable queue: BLMOVE + LREM acknowledgement, a killed consumer's work is recovered} {
        r flushall
        set nmsg 600
        set msgs {}
        for {set i 0} {$i < $nmsg} {incr i} { lappend msgs "job:$i" }
        set cons {}
        for {set i 0} {$i < 3} {incr i} {
            set c [redis_client]
            $c client setname worker$i
            lappend cons $c
        }
        # one producer pushes in several batches while workers take jobs
        set done {}
        set victim [lindex $cons 2]
        set victim_job [$victim blmove jobs processing:2 right left 0.05]
        assert_equal $victim_job ""
        r lpush jobs {*}[lrange $msgs 0 99]
        # the victim takes a job and dies before acknowledging it
        set victim_job [$victim blmove jobs processing:2 right left 1]
        assert_equal $victim_job job:0
        $victim close
        set cons [lrange $cons 0 1]
        wait_for_condition 100 10 {![string match "*name=worker2 *" [r client list]]}
        set pushed 100
        set idle 0
        while {$idle < 2} {
            if {$pushed < $nmsg} {
                r lpush jobs {*}[lrange $msgs $pushed [expr {$pushed + 99}]]
                incr pushed 100
            }
            set any 0
            foreach c $cons w {0 1} {
                for {set k 0} {$k < 40} {incr k} {
                    set job [$c blmove jobs processing:$w right left 0.05]
                    if {$job eq ""} break
                    set any 1
                    lappend done $job
                    assert_equal [$c lrem processing:$w 1 $job] 1
                }
            }
            if {!$any && $pushed >= $nmsg} { incr idle }
        }
        # recovery: the dead worker's processing list goes back to the queue's consuming end
        assert_equal [r lrange processing:2 0 -1] {job:0}
        while {[r lmove processing:2 jobs left right] ne ""} {}
        set c [lindex $cons 0]
        set job [$c blmove jobs processing:0 right left 1]
        assert_equal $job job:0
        assert_equal [$c lrem processing:0 1 $job] 1
        lappend done $job
        assert_equal [llength $done] $nmsg
        assert_equal [lsort -unique $done] [lsort $msgs]
        # per-producer order: the jobs were taken in push order (job:0 re-queued at the end)
        assert_equal [lrange $done 0 end-1] [lrange $msgs 1 end]
        assert_equal [r exists jobs processing:0 processing:1 processing:2] 0
    }
}
