# tests/unit/resp3.tcl: HELLO and the RESP3 reply types, checked byte for byte.

# The HELLO reply in RESP3 with the client id replaced by ID.
proc hello_shape {raw} {
    regsub {\$2\r\nid\r\n:[0-9]+\r\n} $raw "\$2\r\nid\r\n:ID\r\n" raw
    regsub {\$7\r\nversion\r\n\$[0-9]+\r\n[^\r]*\r\n} $raw "\$7\r\nversionVERSION" raw
    return $raw
}

set hello_fields_tail "\$4\r\nmode\r\n\$10\r\nstandalone\r\n\$4\r\nrole\r\n\$6\r\nmaster\r\n\$7\r\nmodules\r\n*0\r\n"

with_server {tags {resp3}} {
    test {HELLO 3 replies with a 7-entry map: server version proto id mode role modules} {
        set c [redis_client]
        set raw [$c rawcmd hello 3]
        assert_equal [hello_shape $raw] \
            "%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n\$7\r\nversionVERSION\$5\r\nproto\r\n:3\r\n\$2\r\nid\r\n:ID\r\n$hello_fields_tail"
        $c close
    }

    test {HELLO 2 replies with a flat 14-element array} {
        set c [redis_client]
        set raw [$c rawcmd hello 2]
        assert_equal [hello_shape $raw] \
            "*14\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n\$7\r\nversionVERSION\$5\r\nproto\r\n:2\r\n\$2\r\nid\r\n:ID\r\n$hello_fields_tail"
        $c close
    }

    test {HELLO reports a version string that parses as >= 7.0} {
        set reply [r hello]
        set v [map_get $reply version]
        assert_match {[0-9]*.[0-9]*.[0-9]*} $v
        assert {[lindex [split $v .] 0] >= 7}
    }

    test {HELLO id equals CLIENT ID} {
        set c [redis_client]
        set h [$c hello 3]
        assert_equal [map_get $h id] [$c client id]
        $c close
    }

    test {HELLO with no arguments keeps the current protocol} {
        set c [redis_client]
        assert_match {\*14*proto*:2*} [$c rawcmd hello]
        $c hello 3
        assert_match {%7*proto*:3*} [$c rawcmd hello]
        $c close
    }

    test {HELLO 4 and HELLO 1 are NOPROTO errors} {
        assert_equal [r rawcmd hello 4] "-NOPROTO unsupported protocol version\r\n"
        assert_equal [r rawcmd hello 1] "-NOPROTO unsupported protocol version\r\n"
        assert_equal [r rawcmd hello 0] "-NOPROTO unsupported protocol version\r\n"
    }

    test {HELLO with a non-integer version is an error} {
        assert_equal [r rawcmd hello abc] "-ERR Protocol version is not an integer or out of range\r\n"
        assert_equal [r rawcmd hello 3.0] "-ERR Protocol version is not an integer or out of range\r\n"
    }

    test {HELLO with an unknown option is a syntax error naming it} {
        assert_equal [r rawcmd hello 3 FOO] "-ERR Syntax error in HELLO option 'FOO'\r\n"
    }

    test {HELLO AUTH or SETNAME without enough arguments is a syntax error} {
        assert_equal [r rawcmd hello 3 AUTH default] "-ERR Syntax error in HELLO option 'AUTH'\r\n"
        assert_equal [r rawcmd hello 2 setname] "-ERR Syntax error in HELLO option 'setname'\r\n"
    }

    test {HELLO 3 SETNAME sets the client name} {
        set c [redis_client]
        $c hello 3 SETNAME worker-1
        assert_equal [$c client getname] worker-1
        $c close
    }

    test {HELLO SETNAME with a space fails and leaves the protocol unchanged} {
        set c [redis_client]
        assert_equal [$c rawcmd hello 3 setname "a b"] \
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
        assert_equal [$c rawcmd get nokey:resp3] "\$-1\r\n"
        $c close
    }

    test {HELLO AUTH default with any password succeeds when default user has no password} {
        set c [redis_client]
        assert_match {%7*} [$c rawcmd hello 3 AUTH default whatever]
        $c close
    }

    test {RESP3 null bulk is _} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd get nokey:resp3] "_\r\n"
        $c close
    }

    test {RESP3 MGET mixes bulks and nulls in an array} {
        set c [redis_client]
        $c hello 3
        $c set r3a 1
        assert_equal [$c rawcmd mget r3a nokey:resp3] "*2\r\n\$1\r\n1\r\n_\r\n"
        $c close
    }

    test {RESP3 SET GET on a missing key is _} {
        set c [redis_client]
        $c hello 3
        $c del r3b
        assert_equal [$c rawcmd set r3b v GET] "_\r\n"
        assert_equal [$c rawcmd set r3b w GET] "\$1\r\nv\r\n"
        $c close
    }

    test {RESP3 INCRBYFLOAT still replies with a bulk string} {
        set c [redis_client]
        $c hello 3
        $c set r3f 1.5
        assert_equal [$c rawcmd incrbyfloat r3f 1] "\$3\r\n2.5\r\n"
        $c close
    }

    test {RESP3 CONFIG GET replies with a map} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd config get maxmemory] "%1\r\n\$9\r\nmaxmemory\r\n\$1\r\n0\r\n"
        $c close
        assert_equal [r rawcmd config get maxmemory] "*2\r\n\$9\r\nmaxmemory\r\n\$1\r\n0\r\n"
    }

    test {RESP3 INFO replies with a verbatim string of type txt} {
        set c [redis_client]
        $c hello 3
        set raw [$c rawcmd info server]
        assert_match "=*\r\ntxt:# Server\r\nredis_version:*" $raw
        regexp {^=([0-9]+)\r\n} $raw -> n
        set body [string range $raw [string length "=$n\r\n"] end-2]
        assert_equal [string length $body] $n
        $c close
        assert_match "\$*\r\n# Server\r\nredis_version:*" [r rawcmd info server]
    }

    test {RESP3 CLIENT INFO replies with a verbatim string} {
        set c [redis_client]
        $c hello 3
        assert_match "=*\r\ntxt:id=*resp=3\n\r\n" [$c rawcmd client info]
        $c close
    }

    test {RESP3 LCS IDX replies with a map} {
        set c [redis_client]
        $c hello 3
        $c mset r3l1 ohmytext r3l2 mynewtext
        assert_equal [$c rawcmd lcs r3l1 r3l2 idx] \
            "%2\r\n\$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n\$3\r\nlen\r\n:6\r\n"
        $c close
    }

    test {RESP3 errors have the same text as in RESP2} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd foo] "-ERR unknown command 'foo', with args beginning with: \r\n"
        assert_equal [$c rawcmd get] "-ERR wrong number of arguments for 'get' command\r\n"
        $c close
    }

    test {HELLO 2 switches a RESP3 connection back to RESP2} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd get nokey:resp3] "_\r\n"
        $c hello 2
        assert_equal [$c rawcmd get nokey:resp3] "\$-1\r\n"
        $c close
    }

    test {RESET switches a RESP3 connection back to RESP2} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd reset] "+RESET\r\n"
        assert_equal [$c rawcmd get nokey:resp3] "\$-1\r\n"
        $c close
    }

    test {the client decodes RESP3 maps into flat lists} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c config get maxmemory] {maxmemory 0}
        $c close
    }
}

with_server {tags {resp3 debug-protocol}} {
    test {DEBUG PROTOCOL in RESP2 degrades each type} {
        set expect [list \
            string   "\$11\r\nHello World\r\n" \
            integer  ":12345\r\n" \
            double   "\$5\r\n3.141\r\n" \
            bignum   "\$37\r\n1234567999999999999999999999999999999\r\n" \
            null     "\$-1\r\n" \
            array    "*3\r\n:0\r\n:1\r\n:2\r\n" \
            set      "*3\r\n:0\r\n:1\r\n:2\r\n" \
            map      "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n" \
            attrib   "\$39\r\nSome real reply following the attribute\r\n" \
            push     "-ERR RESP2 is not supported by this command\r\n" \
            verbatim "\$25\r\nThis is a verbatim\nstring\r\n" \
            true     ":1\r\n" \
            false    ":0\r\n"]
        foreach {type raw} $expect {
            assert_equal [r rawcmd debug protocol $type] $raw "(type $type)"
        }
    }

    test {DEBUG PROTOCOL in RESP3 emits every RESP3 type} {
        set c [redis_client]
        $c hello 3
        set expect [list \
            string   "\$11\r\nHello World\r\n" \
            integer  ":12345\r\n" \
            double   ",3.141\r\n" \
            bignum   "(1234567999999999999999999999999999999\r\n" \
            null     "_\r\n" \
            array    "*3\r\n:0\r\n:1\r\n:2\r\n" \
            set      "~3\r\n:0\r\n:1\r\n:2\r\n" \
            map      "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n" \
            attrib   "|1\r\n\$14\r\nkey-popularity\r\n*2\r\n\$7\r\nkey:123\r\n:90\r\n\$39\r\nSome real reply following the attribute\r\n" \
            verbatim "=29\r\ntxt:This is a verbatim\nstring\r\n" \
            true     "#t\r\n" \
            false    "#f\r\n"]
        foreach {type raw} $expect {
            assert_equal [$c rawcmd debug protocol $type] $raw "(type $type)"
        }
        $c close
    }

    test {DEBUG PROTOCOL push in RESP3 sends a push then a reply} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd debug protocol push] ">2\r\n\$16\r\nserver-cpu-usage\r\n:42\r\n"
        assert_equal [$c read_raw_reply] "\$40\r\nSome real reply following the push reply\r\n"
        $c close
    }

    test {the client decodes every RESP3 type} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c debug protocol double] 3.141
        assert_equal [$c debug protocol bignum] 1234567999999999999999999999999999999
        assert_equal [$c debug protocol null] {}
        assert_equal [$c debug protocol map] {0 0 1 1 2 0}
        assert_equal [$c debug protocol set] {0 1 2}
        assert_equal [$c debug protocol attrib] {Some real reply following the attribute}
        assert_equal [$c debug protocol verbatim] "This is a verbatim\nstring"
        assert_equal [$c debug protocol true] 1
        assert_equal [$c debug protocol false] 0
        $c close
    }

    test {DEBUG PROTOCOL with an unknown type lists the types} {
        assert_equal [r rawcmd debug protocol foo] \
            "-ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n"
    }
}
