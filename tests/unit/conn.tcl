# tests/unit/conn.tcl: connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT
# and the CLIENT subcommands, checked against redis-server 7.0 byte for byte where it matters.

# The field names of a CLIENT LIST line, in order.
proc client_fields {line} {
    set names {}
    foreach kv [split [string trimright $line "\n"] " "] {
        lappend names [lindex [split $kv =] 0]
    }
    return $names
}

# The value of field in a CLIENT LIST / CLIENT INFO line.
proc client_field {line field} {
    foreach kv [split [string trimright $line "\n"] " "] {
        set i [string first = $kv]
        if {[string range $kv 0 [expr {$i - 1}]] eq $field} {
            return [string range $kv [expr {$i + 1}] end]
        }
    }
    error "no field $field in '$line'"
}

# The ids listed by a CLIENT LIST reply, in order.
proc client_ids {list} {
    set ids {}
    foreach line [split [string trimright $list "\n"] "\n"] {
        lappend ids [client_field $line id]
    }
    return $ids
}

# Waits (bounded) until the server lists exactly n clients: closed sockets are noticed
# asynchronously, so counts taken right after a close could include them.
proc wait_clients {n} {
    wait_for_condition 200 10 {[llength [client_ids [r client list]]] == $n} \
        "expected $n clients: [r client list]"
}

set ::client_list_fields [list id addr laddr fd name age idle flags db sub psub ssub multi qbuf \
    qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp]

with_server {tags {conn}} {
    test {PING replies +PONG, PING with a message echoes it as a bulk} {
        assert_equal [r rawcmd ping] "+PONG\r\n"
        assert_equal [r rawcmd ping hello] "\$5\r\nhello\r\n"
        assert_equal [r rawcmd ping ""] "\$0\r\n\r\n"
    }

    test {PING with two arguments is an arity error} {
        assert_equal [r rawcmd ping a b] "-ERR wrong number of arguments for 'ping' command\r\n"
    }

    test {ECHO replies with its argument, binary safe} {
        assert_equal [r rawcmd echo "a b\r\nc"] "\$6\r\na b\r\nc\r\n"
        assert_equal [r rawcmd echo ""] "\$0\r\n\r\n"
        assert_equal [r rawcmd echo] "-ERR wrong number of arguments for 'echo' command\r\n"
        assert_equal [r rawcmd echo a b] "-ERR wrong number of arguments for 'echo' command\r\n"
    }

    test {QUIT replies +OK and the server closes the connection} {
        set c [redis_client]
        assert_equal [$c rawcmd quit] "+OK\r\n"
        assert_equal [$c wait_closed 2000] 1
    }

    test {SELECT switches the database shown by CLIENT INFO} {
        set c [redis_client]
        assert_equal [$c rawcmd select 15] "+OK\r\n"
        assert_equal [client_field [$c client info] db] 15
        assert_equal [$c rawcmd select 0] "+OK\r\n"
        assert_equal [client_field [$c client info] db] 0
        $c close
    }

    test {SELECT out of range or not an integer is an error} {
        assert_equal [r rawcmd select 16] "-ERR DB index is out of range\r\n"
        assert_equal [r rawcmd select -1] "-ERR DB index is out of range\r\n"
        assert_equal [r rawcmd select abc] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd select 1.5] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd select 99999999999999999999] \
            "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd select 2147483648] \
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"
        assert_equal [client_field [r client info] db] 0
    }

    test {AUTH without a configured password is the long ERR} {
        assert_equal [r rawcmd auth foo] \
            "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n"
    }

    test {AUTH default with any password succeeds when no password is set} {
        assert_equal [r rawcmd auth default whatever] "+OK\r\n"
    }

    test {AUTH with an unknown user is WRONGPASS, extra arguments a syntax error} {
        assert_equal [r rawcmd auth bob pw] \
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        assert_equal [r rawcmd auth a b c] "-ERR syntax error\r\n"
        assert_equal [r rawcmd auth] "-ERR wrong number of arguments for 'auth' command\r\n"
    }

    test {HELLO 3 replies with the server map and switches to RESP3} {
        set c [redis_client]
        set h [$c hello 3]
        assert_equal [map_get $h server] redis
        assert_equal [map_get $h proto] 3
        assert_equal [map_get $h id] [$c client id]
        assert_equal [map_get $h mode] standalone
        assert_equal [map_get $h role] master
        assert_equal [map_get $h modules] {}
        assert_equal [$c rawcmd client getname] "_\r\n"
        $c close
    }

    test {HELLO errors: version, NOPROTO, unknown option} {
        assert_equal [r rawcmd hello x] "-ERR Protocol version is not an integer or out of range\r\n"
        assert_equal [r rawcmd hello 4] "-NOPROTO unsupported protocol version\r\n"
        assert_equal [r rawcmd hello 3 foo] "-ERR Syntax error in HELLO option 'foo'\r\n"
        assert_equal [r rawcmd hello 3 auth bob pw] \
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    }

    test {HELLO SETNAME is validated before anything changes} {
        set c [redis_client]
        assert_equal [$c rawcmd hello 3 setname "a b"] \
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
        assert_equal [client_field [$c client info] resp] 2
        $c hello 2 setname hello-name
        assert_equal [$c client getname] hello-name
        $c close
    }

    test {CLIENT ID is an integer, distinct per connection, equal to CLIENT INFO's id} {
        set c [redis_client]
        set id1 [r client id]
        set id2 [$c client id]
        assert_match {:[0-9]*} [string trimright [r rawcmd client id] "\r\n"]
        assert {$id1 != $id2}
        assert_equal [client_field [$c client info] id] $id2
        $c close
    }

    test {CLIENT GETNAME is null until CLIENT SETNAME, an empty name clears it} {
        set c [redis_client]
        assert_equal [$c rawcmd client getname] "\$-1\r\n"
        assert_equal [$c rawcmd client setname myname] "+OK\r\n"
        assert_equal [$c rawcmd client getname] "\$6\r\nmyname\r\n"
        assert_equal [client_field [$c client info] name] myname
        assert_equal [$c rawcmd client setname ""] "+OK\r\n"
        assert_equal [$c rawcmd client getname] "\$-1\r\n"
        assert_equal [client_field [$c client info] name] ""
        $c close
    }

    test {CLIENT SETNAME refuses spaces, newlines and non-ASCII, accepts ! to ~} {
        set c [redis_client]
        set err "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
        assert_equal [$c rawcmd client setname "a b"] $err
        assert_equal [$c rawcmd client setname "a\nb"] $err
        assert_equal [$c rawcmd client setname "\xe9"] $err
        assert_equal [$c rawcmd client setname "\x7f"] $err
        assert_equal [$c rawcmd client setname "!~"] "+OK\r\n"
        assert_equal [$c client getname] "!~"
        $c close
    }

    test {CLIENT LIST has Redis 7.0's fields in order, one line per client} {
        set c [redis_client]
        set cid [$c client id]
        $c client setname other
        set list [r client list id [r client id] $cid]
        assert_match "*\n" $list
        set lines [split [string trimright $list "\n"] "\n"]
        assert_equal [llength $lines] 2
        foreach line $lines {
            assert_equal [client_fields $line] $::client_list_fields
        }
        set me [lindex $lines 0]
        assert_equal [client_field $me id] [r client id]
        assert_equal [client_field $me cmd] client|list
        assert_equal [client_field $me flags] N
        assert_equal [client_field $me user] default
        assert_equal [client_field $me redir] -1
        assert_equal [client_field $me multi] -1
        assert_equal [client_field $me resp] 2
        assert_equal [client_field $me events] r
        assert_match {127.0.0.1:*} [client_field $me addr]
        assert_equal [client_field $me laddr] "127.0.0.1:[srv port]"
        assert_equal [client_field [lindex $lines 1] name] other
        assert_equal [client_field [lindex $lines 1] cmd] client|setname
        $c close
    }

    test {CLIENT LIST lists clients in connection order} {
        set a [redis_client]
        set b [redis_client]
        set ids [list [r client id] [$a client id] [$b client id]]
        set listed [client_ids [r client list]]
        set pos [lmap id $ids {lsearch $listed $id}]
        assert {[lindex $pos 0] >= 0 && [lindex $pos 0] < [lindex $pos 1] && [lindex $pos 1] < [lindex $pos 2]} "($listed)"
        $a close
        $b close
    }

    test {CLIENT LIST TYPE filters by type, unknown types are an error} {
        wait_clients 1
        assert_equal [client_ids [r client list type normal]] [r client id]
        assert_equal [client_ids [r client list TYPE NORMAL]] [r client id]
        assert_equal [r rawcmd client list type pubsub] "\$0\r\n\r\n"
        assert_equal [r rawcmd client list type master] "\$0\r\n\r\n"
        assert_equal [r rawcmd client list type replica] "\$0\r\n\r\n"
        assert_equal [r rawcmd client list type slave] "\$0\r\n\r\n"
        assert_equal [r rawcmd client list type foo] "-ERR Unknown client type 'foo'\r\n"
    }

    test {CLIENT LIST ID lists the given ids in argument order, skipping unknown ones} {
        set a [redis_client]
        set me [r client id]
        set ia [$a client id]
        assert_equal [client_ids [r client list id $ia 999999 $me $ia]] [list $ia $me $ia]
        assert_equal [r rawcmd client list id 999999] "\$0\r\n\r\n"
        assert_equal [r rawcmd client list id 1 abc] "-ERR Invalid client ID\r\n"
        $a close
    }

    test {CLIENT LIST syntax errors} {
        assert_equal [r rawcmd client list foo] "-ERR syntax error\r\n"
        assert_equal [r rawcmd client list type] "-ERR syntax error\r\n"
        assert_equal [r rawcmd client list id] "-ERR syntax error\r\n"
        assert_equal [r rawcmd client list type normal id 1] "-ERR syntax error\r\n"
    }

    test {CLIENT INFO is this connection's CLIENT LIST line} {
        set info [r client info]
        assert_match "id=*\n" $info
        assert_equal [llength [split [string trimright $info "\n"] "\n"]] 1
        assert_equal [client_fields $info] $::client_list_fields
        assert_equal [client_field $info cmd] client|info
        assert_match "\$*\r\nid=* resp=2\n\r\n" [r rawcmd client info]
    }

    test {CLIENT INFO and CLIENT LIST are verbatim strings in RESP3} {
        set c [redis_client]
        $c hello 3
        set raw [$c rawcmd client info]
        assert_match "=*\r\ntxt:id=* resp=3\n\r\n" $raw
        regexp {^=([0-9]+)\r\n} $raw -> n
        assert_equal [string length [string range $raw [string length "=$n\r\n"] end-2]] $n
        assert_match "=*\r\ntxt:id=*\n\r\n" [$c rawcmd client list]
        assert_equal [$c rawcmd client list id 999999] "=4\r\ntxt:\r\n"
        $c close
    }

    test {CLIENT NO-EVICT sets and clears the e flag} {
        set c [redis_client]
        assert_equal [$c rawcmd client no-evict on] "+OK\r\n"
        assert_equal [client_field [$c client info] flags] e
        assert_equal [$c rawcmd client no-evict OFF] "+OK\r\n"
        assert_equal [client_field [$c client info] flags] N
        assert_equal [$c rawcmd client no-evict maybe] "-ERR syntax error\r\n"
        $c close
    }

    test {CLIENT REPLY OFF silences replies until CLIENT REPLY ON} {
        set c [redis_deferring_client]
        $c client reply off
        $c ping off1
        $c echo off2
        $c client reply on
        $c ping after
        assert_equal [$c read] OK
        assert_equal [$c read] after
        $c close
    }

    test {CLIENT REPLY SKIP drops only the next command's reply} {
        set c [redis_deferring_client]
        $c client reply skip
        $c ping skipped
        $c ping kept
        assert_equal [$c read] kept
        $c close
    }

    test {CLIENT REPLY ON right after SKIP still replies +OK} {
        set c [redis_deferring_client]
        $c client reply skip
        $c client reply on
        $c ping x
        assert_equal [$c read] OK
        assert_equal [$c read] x
        $c close
    }

    test {CLIENT REPLY with a bad mode is a syntax error} {
        assert_equal [r rawcmd client reply maybe] "-ERR syntax error\r\n"
    }

    test {CLIENT KILL old form closes the client with that address} {
        set c [redis_client]
        set addr [client_field [$c client info] addr]
        assert_equal [r rawcmd client kill $addr] "+OK\r\n"
        assert_equal [$c wait_closed 2000] 1
        assert_equal [r rawcmd client kill $addr] "-ERR No such client\r\n"
        assert_equal [r rawcmd client kill nosuch] "-ERR No such client\r\n"
    }

    test {CLIENT KILL old form can close the caller after replying +OK} {
        set c [redis_client]
        set addr [client_field [$c client info] addr]
        assert_equal [$c rawcmd client kill $addr] "+OK\r\n"
        assert_equal [$c wait_closed 2000] 1
    }

    test {CLIENT KILL ID closes that client and counts it} {
        set c [redis_client]
        set id [$c client id]
        assert_equal [r rawcmd client kill id $id] ":1\r\n"
        assert_equal [$c wait_closed 2000] 1
        assert_equal [r rawcmd client kill id 999999] ":0\r\n"
    }

    test {CLIENT KILL ADDR and LADDR filter by peer and local address} {
        wait_clients 1
        set a [redis_client]
        set b [redis_client]
        set addr [client_field [$a client info] addr]
        assert_equal [r rawcmd client kill addr $addr] ":1\r\n"
        assert_equal [$a wait_closed 2000] 1
        assert_equal [r rawcmd client kill addr 1.2.3.4:5] ":0\r\n"
        assert_equal [r rawcmd client kill laddr 1.2.3.4:5] ":0\r\n"
        # every client shares the local address; SKIPME (default yes) spares the caller
        assert_equal [r rawcmd client kill laddr "127.0.0.1:[srv port]"] ":1\r\n"
        assert_equal [$b wait_closed 2000] 1
        assert_equal [r ping] PONG
    }

    test {CLIENT KILL TYPE kills matching clients except the caller} {
        wait_clients 1
        set a [redis_client]
        set b [redis_client]
        $b ping
        assert_equal [r rawcmd client kill type pubsub] ":0\r\n"
        assert_equal [r rawcmd client kill type master] ":0\r\n"
        assert_equal [r rawcmd client kill type normal] ":2\r\n"
        assert_equal [$a wait_closed 2000] 1
        assert_equal [$b wait_closed 2000] 1
        assert_equal [r ping] PONG
    }

    test {CLIENT KILL USER default matches everyone, other users do not exist} {
        wait_clients 1
        set a [redis_client]
        $a ping
        assert_equal [r rawcmd client kill user default] ":1\r\n"
        assert_equal [$a wait_closed 2000] 1
        assert_equal [r rawcmd client kill user nobody] "-ERR No such user 'nobody'\r\n"
    }

    test {CLIENT KILL SKIPME no can kill the caller, which still gets the count} {
        set c [redis_client]
        set id [$c client id]
        assert_equal [$c rawcmd client kill id $id] ":0\r\n"
        assert_equal [$c rawcmd client kill id $id skipme no] ":1\r\n"
        assert_equal [$c wait_closed 2000] 1
    }

    test {CLIENT KILL argument errors} {
        assert_equal [r rawcmd client kill id 0] "-ERR client-id should be greater than 0\r\n"
        assert_equal [r rawcmd client kill id -5] "-ERR client-id should be greater than 0\r\n"
        assert_equal [r rawcmd client kill id abc] "-ERR client-id should be greater than 0\r\n"
        assert_equal [r rawcmd client kill type foo] "-ERR Unknown client type 'foo'\r\n"
        assert_equal [r rawcmd client kill type normal skipme maybe] "-ERR syntax error\r\n"
        assert_equal [r rawcmd client kill maxage 5] "-ERR syntax error\r\n"
        assert_equal [r rawcmd client kill id 1 2] "-ERR syntax error\r\n"
        assert_equal [r rawcmd client kill] "-ERR wrong number of arguments for 'client|kill' command\r\n"
        assert_equal [r ping] PONG
    }

    test {CLIENT PAUSE argument errors, mode checked before timeout} {
        assert_equal [r rawcmd client pause abc] "-ERR timeout is not an integer or out of range\r\n"
        assert_equal [r rawcmd client pause 1.5] "-ERR timeout is not an integer or out of range\r\n"
        assert_equal [r rawcmd client pause -1] "-ERR timeout is negative\r\n"
        assert_equal [r rawcmd client pause 10 foo] "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"
        assert_equal [r rawcmd client pause abc foo] "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"
        assert_equal [r rawcmd client PaUsE 10 write x] \
            "-ERR unknown subcommand or wrong number of arguments for 'PaUsE'. Try CLIENT HELP.\r\n"
        assert_equal [r rawcmd client pause] "-ERR wrong number of arguments for 'client|pause' command\r\n"
    }

    test {CLIENT PAUSE WRITE holds a write but not a read, UNPAUSE releases it} {
        set w [redis_deferring_client]
        set rd [redis_client]
        r del pausekey
        assert_equal [r rawcmd client pause 10000 write] "+OK\r\n"
        $w set pausekey v
        # the read is served at once while the write stays held
        assert_equal [$rd get pausekey] {}
        $w set_timeout 200
        assert_error "*timeout*" {$w read}
        assert_equal [r rawcmd client unpause] "+OK\r\n"
        $w set_timeout 5000
        assert_equal [$w read] OK
        assert_equal [$rd get pausekey] v
        $w close
        $rd close
    }

    test {CLIENT PAUSE ALL holds reads too, until the timeout ends} {
        set rd [redis_deferring_client]
        set t0 [clock milliseconds]
        assert_equal [r rawcmd client pause 300 all] "+OK\r\n"
        $rd ping
        $rd set_timeout 5000
        assert_equal [$rd read] PONG
        assert {[clock milliseconds] - $t0 >= 250}
        $rd close
    }

    test {CLIENT PAUSE 0 does not hold anything} {
        assert_equal [r rawcmd client pause 0] "+OK\r\n"
        set c [redis_client]
        $c set_timeout 2000
        assert_equal [$c ping] PONG
        $c close
    }

    test {CLIENT HELP is an array of status lines} {
        set raw [r rawcmd client help]
        assert_match "\\**\r\n+CLIENT <subcommand> *" $raw
        set lines [r client help]
        assert {[llength $lines] > 10}
        foreach word {GETNAME ID INFO KILL LIST PAUSE UNPAUSE REPLY SETNAME NO-EVICT HELP} {
            assert {[lsearch -glob $lines "$word*"] >= 0} "(no $word entry)"
        }
        assert_equal [r rawcmd client help x] "-ERR wrong number of arguments for 'client|help' command\r\n"
    }

    test {CLIENT with an unknown subcommand or no subcommand is an error} {
        assert_equal [r rawcmd client foo] "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n"
        assert_equal [r rawcmd client] "-ERR wrong number of arguments for 'client' command\r\n"
    }

    test {RESET restores RESP2, db 0, no name, replies on; keeps the id and NO-EVICT} {
        set c [redis_deferring_client]
        $c hello 3
        $c read
        $c select 5
        $c client setname before-reset
        $c client no-evict on
        $c client id
        $c read
        $c read
        $c read
        set id [$c read]
        $c client reply off
        $c reset
        assert_equal [$c read_raw_reply] "+RESET\r\n"
        $c client info
        set info [$c read]
        assert_equal [client_field $info resp] 2
        assert_equal [client_field $info db] 0
        assert_equal [client_field $info name] ""
        assert_equal [client_field $info id] $id
        assert_equal [client_field $info flags] e
        $c close
    }

    test {RESET right after CLIENT REPLY SKIP has its own reply skipped} {
        set c [redis_deferring_client]
        $c client reply skip
        $c reset
        $c ping after-reset
        assert_equal [$c read] after-reset
        $c close
    }

    test {RESET takes a client out of MONITOR} {
        set m [redis_client]
        set mid [$m client id]
        assert_equal [$m monitor] OK
        assert_equal [client_field [r client list id $mid] flags] O
        assert_equal [$m rawcmd reset] "+RESET\r\n"
        assert_equal [client_field [r client list id $mid] flags] N
        $m close
    }
}

with_server {tags {conn auth} overrides {requirepass s3cret}} {
    test {with requirepass, commands before AUTH are NOAUTH} {
        assert_equal [r rawcmd ping] "-NOAUTH Authentication required.\r\n"
        assert_equal [r rawcmd client id] "-NOAUTH Authentication required.\r\n"
    }

    test {HELLO without AUTH on an unauthenticated connection is the long NOAUTH} {
        assert_equal [r rawcmd hello 3] \
            "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n"
        assert_equal [r rawcmd hello] \
            "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n"
    }

    test {AUTH with a wrong password or user is WRONGPASS and stays unauthenticated} {
        set wp "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        assert_equal [r rawcmd auth wrong] $wp
        assert_equal [r rawcmd auth default wrong] $wp
        assert_equal [r rawcmd auth bob s3cret] $wp
        assert_equal [r rawcmd ping] "-NOAUTH Authentication required.\r\n"
    }

    test {AUTH password and AUTH default password both authenticate} {
        set c [redis_client]
        assert_equal [$c rawcmd auth s3cret] "+OK\r\n"
        assert_equal [$c rawcmd ping] "+PONG\r\n"
        assert_equal [$c rawcmd auth s3cret] "+OK\r\n"
        $c close
        set c [redis_client]
        assert_equal [$c rawcmd auth default s3cret] "+OK\r\n"
        assert_equal [$c rawcmd ping] "+PONG\r\n"
        $c close
    }

    test {HELLO AUTH with a wrong password is WRONGPASS} {
        set c [redis_client]
        assert_equal [$c rawcmd hello 3 auth default nope] \
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        assert_equal [$c rawcmd hello 3 auth bob s3cret] \
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        assert_equal [$c rawcmd ping] "-NOAUTH Authentication required.\r\n"
        $c close
    }

    test {HELLO AUTH SETNAME authenticates, names and switches protocol at once} {
        set c [redis_client]
        set raw [$c rawcmd hello 3 auth default s3cret setname authed]
        assert_match "%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n*\$5\r\nproto\r\n:3\r\n*" $raw
        assert_equal [$c client getname] authed
        assert_equal [$c rawcmd ping] "+PONG\r\n"
        $c close
    }

    test {HELLO SETNAME before AUTH is accepted too; a bad name fails before AUTH} {
        set c [redis_client]
        assert_match "\\*14\r\n*" [$c rawcmd hello 2 setname first auth default s3cret]
        assert_equal [$c client getname] first
        $c close
        set c [redis_client]
        assert_equal [$c rawcmd hello 3 setname "a b" auth default s3cret] \
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
        assert_equal [$c rawcmd ping] "-NOAUTH Authentication required.\r\n"
        $c close
    }

    test {RESET makes an authenticated connection unauthenticated again} {
        set c [redis_client]
        assert_equal [$c rawcmd auth s3cret] "+OK\r\n"
        assert_equal [$c rawcmd reset] "+RESET\r\n"
        assert_equal [$c rawcmd ping] "-NOAUTH Authentication required.\r\n"
        $c close
    }

    test {QUIT and RESET are allowed before AUTH} {
        set c [redis_client]
        assert_equal [$c rawcmd reset] "+RESET\r\n"
        assert_equal [$c rawcmd quit] "+OK\r\n"
        assert_equal [$c wait_closed 2000] 1
    }
}
