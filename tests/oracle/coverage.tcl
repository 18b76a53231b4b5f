# tests/oracle/coverage.tcl: which issue-3/4 commands no case file exercises.
#
# Owns the list of commands that issues 3 (lists, blocking pops) and 4
# (hashes, sets, sorted sets, SORT, pub/sub, transactions) promise, taken
# from the issue texts, and a static scan of tests/oracle/cases/*.txt for
# the command each line runs (subcommands such as PUBSUB NUMSUB count as
# their own entry). Knows nothing of servers. Start at ::coverage::missing.
#
# SPDX-License-Identifier: BSD-3-Clause

namespace eval ::coverage {
    variable wanted {
        lpush rpush lpushx rpushx lpop rpop llen lrange lindex lset linsert
        lrem ltrim lpos lmove rpoplpush lmpop
        blpop brpop brpoplpush blmove blmpop {client unblock}
        hset hsetnx hget hmget hmset hdel hlen hstrlen hexists hkeys hvals
        hgetall hincrby hincrbyfloat hrandfield hscan
        sadd srem sismember smismember smembers scard spop srandmember smove
        sinter sintercard sinterstore sunion sunionstore sdiff sdiffstore sscan
        zadd zincrby zrem zcard zcount zlexcount zscore zmscore zrank zrevrank
        zrange zrangestore zrangebyscore zrevrangebyscore zrangebylex
        zrevrangebylex zremrangebyrank zremrangebyscore zremrangebylex
        zpopmin zpopmax bzpopmin bzpopmax zmpop bzmpop zunion zunionstore
        zinter zinterstore zintercard zdiff zdiffstore zrandmember zscan
        sort sort_ro
        subscribe unsubscribe psubscribe punsubscribe ssubscribe sunsubscribe
        publish spublish {pubsub channels} {pubsub numsub} {pubsub numpat}
        {pubsub shardchannels} {pubsub shardnumsub}
        multi exec discard watch unwatch
    }
}

# The commands (and "command subcommand" pairs) the case files in dir run.
proc ::coverage::used {dir} {
    set seen [dict create]
    foreach f [glob -nocomplain [file join $dir *.txt]] {
        foreach block [::cases::load $f] {
            foreach it [lindex $block 1] {
                lassign $it flags argv
                if {$flags eq "directive"} { continue }
                set c [string tolower [lindex $argv 0]]
                dict set seen $c 1
                if {[llength $argv] > 1} {
                    dict set seen "$c [string tolower [lindex $argv 1]]" 1
                }
            }
        }
    }
    return $seen
}

# The wanted commands that no case file in dir runs, in the issues' order.
proc ::coverage::missing {dir} {
    variable wanted
    set seen [used $dir]
    set out {}
    foreach w $wanted {
        if {![dict exists $seen $w]} { lappend out $w }
    }
    return $out
}
