# tests/unit/pubsub.tcl: SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH and
# SPUBLISH frames, PUBSUB introspection, RESP2 subscribed mode and RESP3 pushes, byte for byte;
# subscriptions dropped by close and RESET, MULTI, INFO, the pubsub output-buffer limit, and
# many subscribers. Every expectation was checked against redis-server 7.0.15 with this suite.

# RESP2/RESP3 frame helpers: the exact bytes Redis sends.
proc bulk {s} { return "\$[string length $s]\r\n$s\r\n" }
proc frame3 {kind a b {proto 2}} {
    set h [expr {$proto == 3 ? ">" : "*"}]
    return "${h}3\r\n[bulk $kind][bulk $a][bulk $b]"
}
proc event {kind name count {proto 2}} {
    set h [expr {$proto == 3 ? ">" : "*"}]
    set n [expr {$name eq "NULL" ? ($proto == 3 ? "_\r\n" : "\$-1\r\n") : [bulk $name]}]
    return "${h}3\r\n[bulk $kind]${n}:$count\r\n"
}
proc pmsg {pat ch msg {proto 2}} {
    set h [expr {$proto == 3 ? ">" : "*"}]
    return "${h}4\r\n[bulk pmessage][bulk $pat][bulk $ch][bulk $msg]"
}

# A deferring client that sent `cmd args` and read one confirmation per argument.
proc subscriber {cmd args} {
    set rd [redis_deferring_client]
    $rd $cmd {*}$args
    foreach a $args { $rd read_raw_reply }
    return $rd
}

proc ctx_err {name} {
    return "-ERR Can't execute '$name': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
}

with_server {tags {pubsub}} {
    test {SUBSCRIBE confirms each channel with the running count, duplicates included} {
        set rd [redis_deferring_client]
        $rd subscribe a b a
        assert_equal [$rd read_raw_reply] [event subscribe a 1]
        assert_equal [$rd read_raw_reply] [event subscribe b 2]
        assert_equal [$rd read_raw_reply] [event subscribe a 2]
        $rd psubscribe x* y?
        assert_equal [$rd read_raw_reply] [event psubscribe x* 3]
        assert_equal [$rd read_raw_reply] [event psubscribe y? 4]
        $rd close
    }

    test {PUBLISH delivers message frames and returns the receiver count} {
        set s1 [subscriber subscribe chan]
        set s2 [subscriber subscribe chan other]
        assert_equal [r publish chan hello] 2
        assert_equal [r publish other world] 1
        assert_equal [r publish nobody x] 0
        assert_equal [$s1 read_raw_reply] [frame3 message chan hello]
        assert_equal [$s2 read_raw_reply] [frame3 message chan hello]
        assert_equal [$s2 read_raw_reply] [frame3 message other world]
        $s1 close
        $s2 close
    }

    test {PUBLISH is binary safe for channel and message} {
        set ch "c\x00h\r\n"
        set msg "m\x00\xff\r\nx"
        set s [subscriber subscribe $ch]
        assert_equal [r publish $ch $msg] 1
        assert_equal [$s read_raw_reply] [frame3 message $ch $msg]
        $s close
    }

    test {PSUBSCRIBE delivers pmessage frames; a channel and a pattern count twice} {
        set s [subscriber psubscribe news.* n?ws.sport]
        $s subscribe news.sport
        $s read_raw_reply
        assert_equal [r publish news.sport goal] 3
        assert_equal [$s read_raw_reply] [frame3 message news.sport goal]
        # Redis delivers to patterns in hash-table order: compare as a set.
        set got [lsort [list [$s read_raw_reply] [$s read_raw_reply]]]
        assert_equal $got [lsort [list [pmsg news.* news.sport goal] [pmsg n?ws.sport news.sport goal]]]
        assert_equal [r publish news.tech x] 1
        assert_equal [$s read_raw_reply] [pmsg news.* news.tech x]
        $s close
    }

    test {Patterns use glob syntax and are case sensitive} {
        set s [subscriber psubscribe {h[ae]llo} {b\*} {r[^x]?}]
        assert_equal [r publish hello 1] 1
        assert_equal [r publish hallo 2] 1
        assert_equal [r publish hillo 3] 0
        assert_equal [r publish HELLO 4] 0
        assert_equal [r publish b* 5] 1
        assert_equal [r publish bx 6] 0
        assert_equal [r publish rab 7] 1
        assert_equal [r publish rxb 8] 0
        assert_equal [$s read_raw_reply] [pmsg {h[ae]llo} hello 1]
        assert_equal [$s read_raw_reply] [pmsg {h[ae]llo} hallo 2]
        assert_equal [$s read_raw_reply] [pmsg {b\*} b* 5]
        assert_equal [$s read_raw_reply] [pmsg {r[^x]?} rab 7]
        $s close
    }

    test {UNSUBSCRIBE names channels, subscribed or not, with the remaining count} {
        set s [subscriber subscribe a b c]
        $s unsubscribe b zz
        assert_equal [$s read_raw_reply] [event unsubscribe b 2]
        assert_equal [$s read_raw_reply] [event unsubscribe zz 2]
        $s unsubscribe
        # Hash-table order in Redis: the names as a set, the counts falling to 0.
        set f1 [$s read]
        set f2 [$s read]
        assert_equal [lsort [list [lindex $f1 1] [lindex $f2 1]]] {a c}
        assert_equal [list [lindex $f1 2] [lindex $f2 2]] {1 0}
        assert_equal [r publish a x] 0
        $s close
    }

    test {UNSUBSCRIBE family with nothing subscribed replies once with a null name} {
        set c [redis_client]
        assert_equal [$c rawcmd unsubscribe] [event unsubscribe NULL 0]
        assert_equal [$c rawcmd punsubscribe] [event punsubscribe NULL 0]
        assert_equal [$c rawcmd sunsubscribe] [event sunsubscribe NULL 0]
        $c hello 3
        assert_equal [$c rawcmd unsubscribe] [event unsubscribe NULL 0 3]
        assert_equal [$c rawcmd punsubscribe] [event punsubscribe NULL 0 3]
        assert_equal [$c rawcmd sunsubscribe] [event sunsubscribe NULL 0 3]
        $c close
    }

    test {UNSUBSCRIBE without channels but with patterns reports the pattern count} {
        set s [subscriber psubscribe p*]
        $s unsubscribe
        assert_equal [$s read_raw_reply] [event unsubscribe NULL 1]
        $s punsubscribe
        assert_equal [$s read_raw_reply] [event punsubscribe p* 0]
        $s close
    }

    test {PUNSUBSCRIBE without arguments drops every pattern} {
        set s [subscriber psubscribe a* b*]
        $s punsubscribe
        set got [lsort [list [$s read_raw_reply] [$s read_raw_reply]]]
        assert_match "*[bulk punsubscribe]*:0\r\n*" [join $got ""]
        assert_equal [r pubsub numpat] 0
        $s close
    }

    test {RESP2 subscribed mode allows only the pub/sub commands, PING, QUIT and RESET} {
        set s [subscriber subscribe a]
        $s get k
        assert_equal [$s read_raw_reply] [ctx_err get]
        $s client list
        assert_equal [$s read_raw_reply] [ctx_err client|list]
        $s multi
        assert_equal [$s read_raw_reply] [ctx_err multi]
        $s ping
        assert_equal [$s read_raw_reply] "*2\r\n[bulk pong][bulk {}]"
        $s ping hi
        assert_equal [$s read_raw_reply] "*2\r\n[bulk pong][bulk hi]"
        $s unsubscribe a
        assert_equal [$s read_raw_reply] [event unsubscribe a 0]
        $s get k
        assert_equal [$s read_raw_reply] "\$-1\r\n"
        $s ping
        assert_equal [$s read_raw_reply] "+PONG\r\n"
        $s close
    }

    test {Unknown commands and wrong arity keep their own errors in subscribed mode} {
        set s [subscriber subscribe a]
        $s nosuchcmd
        assert_match "-ERR unknown command 'nosuchcmd'*" [$s read_raw_reply]
        $s get
        assert_equal [$s read_raw_reply] "-ERR wrong number of arguments for 'get' command\r\n"
        $s close
    }

    test {A shard subscription alone keeps a RESP2 client in subscribed mode} {
        set s [subscriber subscribe a]
        $s ssubscribe s1
        assert_equal [$s read_raw_reply] [event ssubscribe s1 1]
        $s unsubscribe
        assert_equal [$s read_raw_reply] [event unsubscribe a 0]
        $s get k
        assert_equal [$s read_raw_reply] [ctx_err get]
        $s sunsubscribe
        assert_equal [$s read_raw_reply] [event sunsubscribe s1 0]
        $s get k
        assert_equal [$s read_raw_reply] "\$-1\r\n"
        $s close
    }

    test {QUIT works in subscribed mode} {
        set s [subscriber subscribe a]
        $s quit
        assert_equal [$s read_raw_reply] "+OK\r\n"
        assert_equal [$s wait_closed 2000] 1
        wait_for_condition 200 5 {[lindex [r pubsub numsub a] 1] == 0}
    }

    test {RESP3: confirmations and messages are push frames, normal commands still work} {
        set s [redis_deferring_client]
        $s hello 3
        $s read
        $s subscribe a
        assert_equal [$s read_raw_reply] [event subscribe a 1 3]
        $s psubscribe a*
        assert_equal [$s read_raw_reply] [event psubscribe a* 2 3]
        $s set k3 v
        assert_equal [$s read_raw_reply] "+OK\r\n"
        $s getdel k3
        assert_equal [$s read_raw_reply] [bulk v]
        $s ping
        assert_equal [$s read_raw_reply] "+PONG\r\n"
        assert_equal [r publish a m] 2
        assert_equal [$s read_raw_reply] [frame3 message a m 3]
        assert_equal [$s read_raw_reply] [pmsg a* a m 3]
        $s unsubscribe a zz
        assert_equal [$s read_raw_reply] [event unsubscribe a 1 3]
        assert_equal [$s read_raw_reply] [event unsubscribe zz 1 3]
        $s punsubscribe
        assert_equal [$s read_raw_reply] [event punsubscribe a* 0 3]
        $s close
    }

    test {SSUBSCRIBE, SPUBLISH and smessage frames are separate from plain channels} {
        set s [subscriber subscribe a]
        $s ssubscribe a b
        assert_equal [$s read_raw_reply] [event ssubscribe a 1]
        assert_equal [$s read_raw_reply] [event ssubscribe b 2]
        $s psubscribe *
        assert_equal [$s read_raw_reply] [event psubscribe * 2]
        assert_equal [r spublish a one] 1
        assert_equal [$s read_raw_reply] [frame3 smessage a one]
        assert_equal [r publish a two] 2
        assert_equal [$s read_raw_reply] [frame3 message a two]
        assert_equal [$s read_raw_reply] [pmsg * a two]
        assert_equal [r spublish b three] 1
        assert_equal [$s read_raw_reply] [frame3 smessage b three]
        assert_equal [r spublish c four] 0
        $s sunsubscribe a
        assert_equal [$s read_raw_reply] [event sunsubscribe a 1]
        $s close
    }

    test {SSUBSCRIBE in RESP3 is a push too} {
        set s [redis_deferring_client]
        $s hello 3
        $s read
        $s ssubscribe sh
        assert_equal [$s read_raw_reply] [event ssubscribe sh 1 3]
        assert_equal [r spublish sh x] 1
        assert_equal [$s read_raw_reply] [frame3 smessage sh x 3]
        $s close
    }

    test {PUBSUB CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB} {
        set s1 [subscriber subscribe news.a news.b misc]
        set s2 [subscriber subscribe news.a]
        set s3 [subscriber psubscribe p1* p2*]
        set s4 [subscriber psubscribe p1*]
        set s5 [subscriber ssubscribe sa sb]
        assert_equal [lsort [r pubsub channels]] {misc news.a news.b}
        assert_equal [lsort [r pubsub channels news.*]] {news.a news.b}
        assert_equal [r pubsub channels nothing*] {}
        assert_equal [r rawcmd pubsub channels nothing*] "*0\r\n"
        assert_equal [r rawcmd pubsub numsub news.a misc none] \
            "*6\r\n[bulk news.a]:2\r\n[bulk misc]:1\r\n[bulk none]:0\r\n"
        assert_equal [r rawcmd pubsub numsub] "*0\r\n"
        assert_equal [r pubsub numpat] 2
        assert_equal [lsort [r pubsub shardchannels]] {sa sb}
        assert_equal [lsort [r pubsub shardchannels s?]] {sa sb}
        assert_equal [r pubsub shardchannels ?a] {sa}
        assert_equal [r pubsub shardnumsub sa sc] {sa 1 sc 0}
        assert_equal [r pubsub numsub sa] {sa 0}
        foreach c [list $s1 $s2 $s3 $s4 $s5] { $c close }
        wait_for_condition 200 5 {[r pubsub numpat] == 0 && [r pubsub channels] eq {}}
    }

    test {PUBSUB NUMSUB is a flat array in RESP3 too} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd pubsub numsub x] "*2\r\n[bulk x]:0\r\n"
        assert_equal [$c rawcmd pubsub channels] "*0\r\n"
        $c close
    }

    test {PUBSUB argument errors and HELP} {
        assert_equal [r rawcmd pubsub channels a b] \
            "-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.\r\n"
        assert_equal [r rawcmd pubsub SHARDCHANNELS a b] \
            "-ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP.\r\n"
        assert_equal [r rawcmd pubsub numpat x] "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"
        assert_equal [r rawcmd pubsub nope] "-ERR unknown subcommand 'nope'. Try PUBSUB HELP.\r\n"
        assert_equal [r rawcmd pubsub] "-ERR wrong number of arguments for 'pubsub' command\r\n"
        assert_equal [r rawcmd subscribe] "-ERR wrong number of arguments for 'subscribe' command\r\n"
        assert_equal [r rawcmd psubscribe] "-ERR wrong number of arguments for 'psubscribe' command\r\n"
        assert_equal [r rawcmd ssubscribe] "-ERR wrong number of arguments for 'ssubscribe' command\r\n"
        assert_equal [r rawcmd publish a] "-ERR wrong number of arguments for 'publish' command\r\n"
        assert_equal [r rawcmd spublish a b c] "-ERR wrong number of arguments for 'spublish' command\r\n"
        set help [r pubsub help]
        assert_equal [llength $help] 14
        assert_match "PUBSUB <subcommand>*" [lindex $help 0]
    }

    test {INFO stats counts distinct channels, patterns and shard channels} {
        set s1 [subscriber subscribe a b]
        set s2 [subscriber subscribe b c]
        set s3 [subscriber psubscribe x* y*]
        set s4 [subscriber ssubscribe z]
        set info [r info stats]
        assert_equal [info_field $info pubsub_channels] 3
        assert_equal [info_field $info pubsub_patterns] 2
        assert_equal [info_field $info pubsubshard_channels] 1
        foreach c [list $s1 $s2 $s3 $s4] { $c close }
        wait_for_condition 200 5 {[info_field [r info stats] pubsub_channels] == 0}
        set info [r info stats]
        assert_equal [info_field $info pubsub_patterns] 0
        assert_equal [info_field $info pubsubshard_channels] 0
    }

    test {A closed subscriber stops counting and receiving} {
        set s1 [subscriber subscribe a]
        set s2 [subscriber subscribe a]
        set s3 [subscriber psubscribe a]
        $s1 close
        $s3 close
        wait_for_condition 200 5 {[r publish a x] == 1}
        assert_equal [$s2 read_raw_reply] [frame3 message a x]
        $s2 close
    }

    test {RESET drops every subscription silently and leaves subscribed mode} {
        set s [subscriber subscribe a]
        $s psubscribe p*
        $s read_raw_reply
        $s ssubscribe sh
        $s read_raw_reply
        $s reset
        assert_equal [$s read_raw_reply] "+RESET\r\n"
        assert_equal [r publish a x] 0
        assert_equal [r publish pq x] 0
        assert_equal [r spublish sh x] 0
        assert_equal [r pubsub numpat] 0
        $s get k
        assert_equal [$s read_raw_reply] "\$-1\r\n"
        $s close
    }

    test {SUBSCRIBE inside MULTI runs at EXEC and leaves the client subscribed} {
        set c [redis_deferring_client]
        $c multi
        $c read
        $c subscribe a
        $c read
        $c ssubscribe b
        $c read
        $c exec
        assert_equal [$c read_raw_reply] \
            "*2\r\n[event subscribe a 1]-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n"
        $c get k
        assert_equal [$c read_raw_reply] [ctx_err get]
        assert_equal [r publish a x] 1
        assert_equal [$c read_raw_reply] [frame3 message a x]
        $c close
    }

    test {A subscriber that does not read is cut off by the pubsub output-buffer limit} {
        r config set client-output-buffer-limit "pubsub 100kb 0 0"
        set s [subscriber subscribe slow]
        set fast [subscriber subscribe fast]
        set payload [string repeat x 100000]
        set before [info_field [r info clients] connected_clients]
        # The kernel buffers a few MB first; then the server-side queue passes 100kb.
        for {set i 0} {$i < 400} {incr i} {
            r publish slow $payload
            if {[lindex [r pubsub numsub slow] 1] == 0} break
        }
        wait_for_condition 200 5 {[lindex [r pubsub numsub slow] 1] == 0} "slow subscriber not cut off"
        assert_equal [info_field [r info clients] connected_clients] [expr {$before - 1}]
        assert_equal [r publish fast ok] 1
        assert_equal [$fast read_raw_reply] [frame3 message fast ok]
        $s close
        $fast close
        r config set client-output-buffer-limit "pubsub 33554432 8388608 60"
    }

    test {PUBLISH reaches 300 subscribers of a channel and of a pattern} {
        set subs {}
        for {set i 0} {$i < 150} {incr i} {
            lappend subs [subscriber subscribe many]
            lappend subs [subscriber psubscribe man?]
        }
        assert_equal [r pubsub numsub many] {many 150}
        assert_equal [r publish many hi] 300
        set n 0
        foreach s $subs {
            set f [$s read]
            if {[lindex $f end] eq "hi"} { incr n }
            $s close
        }
        assert_equal $n 300
    }

    test {CLIENT LIST shows a subscriber's sub/psub/ssub counts and P flag} {
        set s [subscriber subscribe a b]
        $s psubscribe p
        $s read_raw_reply
        set line {}
        foreach l [split [r client list] "\n"] {
            if {[string match "*sub=2*" $l]} { set line $l }
        }
        assert_match "*flags=P *sub=2 psub=1*" $line
        $s close
    }

    test {COMMAND INFO reports Redis's arity, flags and categories for pub/sub} {
        assert_equal [lrange [lindex [r command info publish] 0] 0 5] {publish 3 {pubsub loading stale fast} 0 0 0}
        assert_equal [lrange [lindex [r command info subscribe] 0] 0 5] {subscribe -2 {pubsub noscript loading stale} 0 0 0}
        assert_equal [lrange [lindex [r command info unsubscribe] 0] 0 5] {unsubscribe -1 {pubsub noscript loading stale} 0 0 0}
        assert_equal [lrange [lindex [r command info ssubscribe] 0] 0 5] {ssubscribe -2 {pubsub noscript loading stale} 1 -1 1}
        assert_equal [lrange [lindex [r command info spublish] 0] 0 5] {spublish 3 {pubsub loading stale fast} 1 1 1}
        assert_equal [lrange [lindex [r command info pubsub|numsub] 0] 0 6] {pubsub|numsub -2 {pubsub loading stale} 0 0 0 {@pubsub @slow}}
        assert_equal [lindex [r command info publish] 0 6] {@pubsub @fast}
    }
}
