# tests/unit/command.tcl: COMMAND, COMMAND COUNT / INFO / LIST / GETKEYS / DOCS / HELP.

# Every argument map (flattened) anywhere in a COMMAND DOCS arguments tree.
proc docs_all_args {args_list} {
    set out {}
    foreach a $args_list {
        lappend out $a
        if {![catch {map_get $a arguments} kids]} {
            lappend out {*}[docs_all_args $kids]
        }
    }
    return $out
}

with_server {tags {command}} {
    test {COMMAND COUNT is a positive integer equal to the length of COMMAND} {
        set n [r command count]
        assert {$n > 20}
        assert_equal [llength [r command]] $n
        assert_equal [llength [r command info]] $n
    }

    test {COMMAND COUNT takes no arguments} {
        assert_equal [r rawcmd command count x] "-ERR wrong number of arguments for 'command|count' command\r\n"
    }

    test {COMMAND INFO get is Redis's exact 10-element record} {
        assert_equal [r rawcmd command info get] "*1\r\n*10\r\n\$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n\$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n\$12\r\nbegin_search\r\n*4\r\n\$4\r\ntype\r\n\$5\r\nindex\r\n\$4\r\nspec\r\n*2\r\n\$5\r\nindex\r\n:1\r\n\$9\r\nfind_keys\r\n*4\r\n\$4\r\ntype\r\n\$5\r\nrange\r\n\$4\r\nspec\r\n*6\r\n\$7\r\nlastkey\r\n:0\r\n\$7\r\nkeystep\r\n:1\r\n\$5\r\nlimit\r\n:0\r\n*0\r\n"
    }

    test {COMMAND INFO in RESP3 uses sets for flags, categories, tips, key specs, subcommands} {
        set c [redis_client]
        $c hello 3
        assert_match "*1\r\n*10\r\n\$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n*~0\r\n" \
            [$c rawcmd command info get]
        assert_equal [$c rawcmd command info nosuch] "*1\r\n_\r\n"
        $c close
    }

    test {COMMAND INFO gives nil for unknown names, in order} {
        set res [r command info nosuch get]
        assert_equal [llength $res] 2
        assert_equal [lindex $res 0] {}
        assert_equal [lindex [lindex $res 1] 0] get
        assert_equal [r rawcmd command info nosuch] "*1\r\n$-1\r\n"
    }

    test {COMMAND INFO fields of set, del, mset and ping} {
        lassign [r command info set del mset ping] set del mset ping
        assert_equal [lrange $set 0 5] {set -3 {write denyoom} 1 1 1}
        assert_equal [lindex $set 6] {@write @string @slow}
        assert_equal [lrange $del 0 5] {del -2 write 1 -1 1}
        assert_equal [lrange $mset 0 5] {mset -3 {write denyoom} 1 -1 2}
        assert_equal [lrange $ping 0 5] {ping -1 fast 0 0 0}
        assert_equal [lindex $ping 8] {}
    }

    test {COMMAND INFO of a container lists its subcommands with full names} {
        set info [lindex [r command info slowlog] 0]
        assert_equal [lrange $info 0 5] {slowlog -2 {} 0 0 0}
        set subs {}
        foreach s [lindex $info 9] { lappend subs [lindex $s 0] }
        assert_equal [lsort $subs] {slowlog|get slowlog|help slowlog|len slowlog|reset}
        set get [lindex [r command info slowlog|get] 0]
        assert_equal [lrange $get 0 1] {slowlog|get -2}
    }

    test {COMMAND LIST includes commands and subcommands} {
        set all [r command list]
        assert {[lsearch -exact $all get] >= 0}
        assert {[lsearch -exact $all client|list] >= 0}
        assert {[llength $all] > [r command count]}
    }

    test {COMMAND LIST FILTERBY PATTERN matches full names, ignoring case} {
        assert_equal [lsort [r command list filterby pattern slowlog*]] \
            {slowlog slowlog|get slowlog|help slowlog|len slowlog|reset}
        assert_equal [r command list filterby pattern GET] get
        assert_equal [r command list filterby pattern nosuch*] {}
    }

    test {COMMAND LIST FILTERBY ACLCAT and MODULE} {
        set admin [r command list filterby aclcat admin]
        assert {[lsearch -exact $admin debug] >= 0}
        assert {[lsearch -exact $admin shutdown] >= 0}
        assert {[lsearch -exact $admin get] < 0}
        assert_equal [lsort $admin] [lsort [r command list filterby aclcat ADMIN]]
        assert_equal [r command list filterby aclcat nosuch] {}
        assert_equal [r command list filterby module x] {}
    }

    test {COMMAND LIST with a bad filter is a syntax error} {
        assert_equal [r rawcmd command list filterby foo x] "-ERR syntax error\r\n"
        assert_equal [r rawcmd command list filterby] "-ERR syntax error\r\n"
        assert_equal [r rawcmd command list foo] "-ERR syntax error\r\n"
        assert_equal [r rawcmd command list filterby aclcat admin x] "-ERR syntax error\r\n"
    }

    test {COMMAND GETKEYS finds keys from the key positions} {
        assert_equal [r command getkeys set a b] a
        assert_equal [r command getkeys mset a b c d] {a c}
        assert_equal [r command getkeys del a b c] {a b c}
        assert_equal [r command getkeys object encoding k] k
        assert_equal [r command getkeys rename x y] {x y}
    }

    test {COMMAND GETKEYS errors} {
        assert_equal [r rawcmd command getkeys nosuch x] "-ERR Invalid command specified\r\n"
        assert_equal [r rawcmd command getkeys client xx] "-ERR Invalid command specified\r\n"
        assert_equal [r rawcmd command getkeys ping x] "-ERR The command has no key arguments\r\n"
        assert_equal [r rawcmd command getkeys client list] "-ERR The command has no key arguments\r\n"
        assert_equal [r rawcmd command getkeys get a b] "-ERR Invalid number of arguments specified for command\r\n"
        assert_equal [r rawcmd command getkeys mset a] "-ERR Invalid number of arguments specified for command\r\n"
        assert_equal [r rawcmd command getkeys get] "-ERR wrong number of arguments for 'command|getkeys' command\r\n"
    }

    test {COMMAND DOCS get: summary, since, group, complexity, one key argument} {
        set docs [r command docs get]
        assert_equal [llength $docs] 2
        assert_equal [lindex $docs 0] get
        set d [lindex $docs 1]
        assert {[string length [map_get $d summary]] > 0}
        assert_equal [map_get $d since] 1.0.0
        assert_equal [map_get $d group] string
        assert_equal [map_get $d complexity] O(1)
        assert_equal [map_get $d arguments] {{name key type key key_spec_index 0}}
    }

    test {COMMAND DOCS set describes tokens, one-of groups and optional flags} {
        set d [lindex [r command docs set] 1]
        set top [map_get $d arguments]
        assert_equal [lindex $top 0] {name key type key key_spec_index 0}
        assert_equal [lindex $top 1] {name value type string}
        set all [docs_all_args $top]
        assert {[lsearch -exact $all {name nx type pure-token token NX}] >= 0}
        assert {[lsearch -glob $all {name seconds type integer token EX*}] >= 0}
        assert {[lsearch -glob $all {name unix-time-milliseconds type unix-time token PXAT*}] >= 0}
        set oneofs 0
        foreach a $top {
            if {[map_get $a type] eq "oneof"} {
                incr oneofs
                assert_equal [map_get $a flags] optional
            }
        }
        assert_equal $oneofs 2
    }

    test {COMMAND DOCS marks repeated arguments as multiple} {
        set d [lindex [r command docs del] 1]
        assert_equal [map_get $d arguments] {{name key type key key_spec_index 0 flags multiple}}
        set d [lindex [r command docs msetnx] 1]
        set a [lindex [map_get $d arguments] 0]
        assert_equal [map_get $a type] block
        assert_equal [map_get $a flags] multiple
        assert_equal [llength [map_get $a arguments]] 2
    }

    test {COMMAND DOCS of a container nests its subcommands} {
        set d [lindex [r command docs slowlog] 1]
        set subs [map_get $d subcommands]
        assert {[lsearch -exact $subs slowlog|get] >= 0}
        set get [map_get $subs slowlog|get]
        assert_equal [map_get $get group] server
        assert_equal [map_get $get arguments] {{name count type integer flags optional}}
    }

    test {COMMAND DOCS leaves out unknown names; RESP3 replies a map} {
        assert_equal [r rawcmd command docs nosuch] "*0\r\n"
        set c [redis_client]
        $c hello 3
        assert_match "%1\r\n\$3\r\nget\r\n%5\r\n*" [$c rawcmd command docs get nosuch]
        $c close
    }

    test {COMMAND DOCS without names covers every command} {
        assert_equal [llength [r command docs]] [expr {2 * [r command count]}]
    }

    test {COMMAND HELP is an array of status lines} {
        set raw [r rawcmd command help]
        assert {[string first "\r\n+COMMAND <subcommand> \[<arg> \[value\] \[opt\] ...\]. Subcommands are:\r\n" $raw] > 0}
    }

    test {COMMAND with an unknown subcommand is an error} {
        assert_equal [r rawcmd command foo] "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n"
    }
}

# COMMAND GETKEYS for movable-key commands (SORT, numkeys commands, EVAL), matched to Redis 7.0.
with_server {tags {command getkeys}} {
    test {COMMAND GETKEYS SORT finds the key and the last STORE destination} {
        assert_equal [r command getkeys sort a] {a}
        assert_equal [r command getkeys sort a store b] {a b}
        assert_equal [r command getkeys sort a STORE b store c] {a c}
        assert_equal [r command getkeys sort a store b store] {a b}
        assert_equal [r command getkeys sort a store store b] {a b}
        # LIMIT, BY and GET arguments are skipped, even when spelled "store"
        assert_equal [r command getkeys sort a by store b] {a}
        assert_equal [r command getkeys sort a limit 0 store b] {a}
        assert_equal [r command getkeys sort a foo store b] {a b}
        assert_equal [r command getkeys sort_ro a store b] {a}
    }

    test {COMMAND GETKEYS for numkeys commands} {
        assert_equal [r command getkeys zunion 2 a b weights 1 2] {a b}
        assert_equal [r command getkeys zunionstore d 2 a b] {d a b}
        assert_equal [r command getkeys zdiffstore d 1 a] {d a}
        assert_equal [r command getkeys zintercard 2 a b limit 1] {a b}
        assert_equal [r command getkeys sintercard 1 a] {a}
        assert_equal [r command getkeys lmpop 3 a b left] {a b left}
        assert_equal [r command getkeys blmpop 0 2 a b left] {a b}
        assert_equal [r command getkeys zmpop 1 a min] {a}
        assert_equal [r command getkeys bzmpop 0 1 a min] {a}
        # numkeys is read like atoi
        assert_equal [r command getkeys zunion 2x a b] {a b}
        assert_equal [r command getkeys zunion 4294967297 a b] {a}
    }

    test {COMMAND GETKEYS with a bad numkeys: error, or empty for EVAL} {
        foreach args {{zunion 0 a} {zunion 3 a b} {zunion -1 a b} {zunion x a b}
                      {zunionstore d 5 a} {sintercard 3 a b} {lmpop 0 a left} {blmpop 0 3 a b}} {
            assert_equal [r rawcmd command getkeys {*}$args] \
                "-ERR Invalid arguments specified for command\r\n"
        }
        assert_equal [r rawcmd command getkeys zunionstore d] \
            "-ERR Invalid number of arguments specified for command\r\n"
        assert_equal [r command getkeys eval "return 1" 2 a b] {a b}
        assert_equal [r rawcmd command getkeys eval "return 1" 0] "*0\r\n"
        assert_equal [r rawcmd command getkeys eval "return 1" 3 a b] "*0\r\n"
        assert_equal [r command getkeys evalsha_ro x 1 a b] {a}
    }
}
