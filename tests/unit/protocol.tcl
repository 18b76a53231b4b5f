# tests/unit/protocol.tcl: request parsing (multibulk and inline), pipelining,
# protocol errors and the generic command errors (unknown command, arity).

# Sends BYTES on a fresh connection; returns the first reply's raw bytes and
# whether the server then closed the connection.
proc proto_error_reply {bytes} {
    set c [redis_deferring_client]
    $c raw $bytes
    set reply [$c read_raw_reply]
    set closed [$c wait_closed 2000]
    $c close
    return [list $reply $closed]
}

with_server {tags {protocol}} {
    test {multibulk PING returns +PONG} {
        assert_equal [r rawcmd PING] "+PONG\r\n"
    }

    test {inline PING terminated by CRLF returns +PONG} {
        set c [redis_deferring_client]
        $c raw "PING\r\n"
        assert_equal [$c read_raw_reply] "+PONG\r\n"
        $c close
    }

    test {inline command terminated by a bare LF is accepted} {
        set c [redis_deferring_client]
        $c raw "ping\n"
        assert_equal [$c read_raw_reply] "+PONG\r\n"
        $c close
    }

    test {inline arguments with double quotes, escapes and single quotes} {
        set c [redis_deferring_client]
        $c raw "set \"a b\" \"c\\x41\\n\"\r\nget \"a b\"\r\n"
        assert_equal [$c read_raw_reply] "+OK\r\n"
        assert_equal [$c read_raw_reply] "\$3\r\ncA\n\r\n"
        $c close
        # adjacent quoted strings without space are an unbalanced-quotes error
        assert_equal [proto_error_reply "set 'k q' 'it''s'\r\n"] \
            [list "-ERR Protocol error: unbalanced quotes in request\r\n" 1]
    }

    test {inline single-quoted string keeps backslashes except \'} {
        set c [redis_deferring_client]
        $c raw "set sq 'a\\nb\\'c'\r\nget sq\r\n"
        assert_equal [$c read_raw_reply] "+OK\r\n"
        assert_equal [$c read_raw_reply] "\$6\r\na\\nb'c\r\n"
        $c close
    }

    test {inline request with leading and trailing spaces works} {
        set c [redis_deferring_client]
        $c raw "   ping   \r\n"
        assert_equal [$c read_raw_reply] "+PONG\r\n"
        $c close
    }

    test {unbalanced double quotes in an inline request is a protocol error and closes} {
        assert_equal [proto_error_reply "set \"foo\r\n"] \
            [list "-ERR Protocol error: unbalanced quotes in request\r\n" 1]
    }

    test {closing quote followed by a non-space is an unbalanced quotes error} {
        assert_equal [proto_error_reply "set \"a\"b c\r\n"] \
            [list "-ERR Protocol error: unbalanced quotes in request\r\n" 1]
    }

    test {empty inline lines and *0 are ignored} {
        set c [redis_deferring_client]
        $c raw "\r\n\r\n*0\r\n   \r\n*-1\r\nPING\r\n"
        assert_equal [$c read_raw_reply] "+PONG\r\n"
        $c close
    }

    test {1000 pipelined commands in one write get 1000 replies in order} {
        set c [redis_deferring_client]
        set buf ""
        for {set i 0} {$i < 1000} {incr i} {
            append buf [::resp::encode [list set pipe:$i $i]]
            append buf [::resp::encode [list incr pipe:$i]]
        }
        $c raw $buf
        for {set i 0} {$i < 1000} {incr i} {
            assert_equal [$c read] OK
            assert_equal [$c read] [expr {$i + 1}]
        }
        $c close
        assert_equal [r get pipe:999] 1000
    }

    test {mixed inline and multibulk pipelined in one write} {
        set c [redis_deferring_client]
        $c raw "PING\r\n*2\r\n\$4\r\nECHO\r\n\$2\r\nhi\r\nECHO inline\r\n"
        assert_equal [$c read_raw_reply] "+PONG\r\n"
        assert_equal [$c read_raw_reply] "\$2\r\nhi\r\n"
        assert_equal [$c read_raw_reply] "\$6\r\ninline\r\n"
        $c close
    }

    test {a command split across many writes is assembled} {
        set c [redis_deferring_client]
        foreach chunk [list "*3\r" "\n\$3\r\nS" "ET\r\n\$" "2\r\nsp\r\n\$5\r\nhel" "lo\r\n"] {
            $c raw $chunk
            after 5
        }
        assert_equal [$c read_raw_reply] "+OK\r\n"
        $c close
        assert_equal [r get sp] hello
    }

    test {bulk arguments are binary safe} {
        set v "a\x00b\r\nc\xff"
        r set bin $v
        assert_equal [r get bin] $v
        assert_equal [r strlen bin] 7
    }

    test {the two bytes after a bulk payload are skipped without being checked} {
        set c [redis_deferring_client]
        $c raw "*1\r\n\$4\r\nPINGxx*1\r\n\$4\r\nPING\r\n"
        assert_equal [$c read_raw_reply] "+PONG\r\n"
        assert_equal [$c read_raw_reply] "+PONG\r\n"
        $c close
    }

    test {invalid multibulk length is a protocol error and closes the connection} {
        assert_equal [proto_error_reply "*abc\r\n"] \
            [list "-ERR Protocol error: invalid multibulk length\r\n" 1]
    }

    test {empty, signed or too large multibulk count is invalid multibulk length} {
        foreach req [list "*\r\n" "*+1\r\n" "*2147483648\r\n"] {
            assert_equal [proto_error_reply $req] \
                [list "-ERR Protocol error: invalid multibulk length\r\n" 1]
        }
    }

    test {invalid bulk length is a protocol error and closes the connection} {
        assert_equal [proto_error_reply "*1\r\n\$abc\r\n"] \
            [list "-ERR Protocol error: invalid bulk length\r\n" 1]
    }

    test {negative, empty, leading-zero and over 512MB bulk lengths are invalid} {
        foreach req [list "*1\r\n\$-1\r\n" "*1\r\n\$-2\r\n" "*1\r\n\$\r\n" \
                         "*2\r\n\$4\r\nECHO\r\n\$01\r\na\r\n" "*1\r\n\$+4\r\nPING\r\n" \
                         "*1\r\n\$536870913\r\n"] {
            assert_equal [proto_error_reply $req] \
                [list "-ERR Protocol error: invalid bulk length\r\n" 1]
        }
    }

    test {a non-$ element in a multibulk is "expected '$', got 'x'"} {
        assert_equal [proto_error_reply "*1\r\nx\r\n"] \
            [list "-ERR Protocol error: expected '\$', got 'x'\r\n" 1]
        assert_equal [proto_error_reply "*3\r\n\$3\r\nset\r\n\$1\r\nk\r\n:1\r\n"] \
            [list "-ERR Protocol error: expected '\$', got ':'\r\n" 1]
    }

    test {an inline request over 64KB without newline is "too big inline request"} {
        assert_equal [proto_error_reply [string repeat a 70000]] \
            [list "-ERR Protocol error: too big inline request\r\n" 1]
    }

    test {a multibulk count over 64KB without newline is "too big mbulk count string"} {
        assert_equal [proto_error_reply "*[string repeat 1 70000]"] \
            [list "-ERR Protocol error: too big mbulk count string\r\n" 1]
    }

    test {a bulk count over 64KB without newline is "too big bulk count string"} {
        assert_equal [proto_error_reply "*1\r\n\$[string repeat 1 70000]"] \
            [list "-ERR Protocol error: too big bulk count string\r\n" 1]
    }

    test {replies before a protocol error in the same write are still sent} {
        set c [redis_deferring_client]
        $c raw "PING\r\n*1\r\nx\r\n"
        assert_equal [$c read_raw_reply] "+PONG\r\n"
        assert_equal [$c read_raw_reply] "-ERR Protocol error: expected '\$', got 'x'\r\n"
        assert_equal [$c wait_closed 2000] 1
        $c close
    }

    test {a huge announced bulk with no payload neither replies nor crashes} {
        set c [redis_deferring_client]
        $c raw "*1\r\n\$536870912\r\n"
        assert_equal [$c wait_closed 300] 0
        # the server still serves other clients
        assert_equal [r ping] PONG
        $c close
        assert_equal [r ping] PONG
    }

    test {a huge announced multibulk count with no elements does not crash} {
        set c [redis_deferring_client]
        $c raw "*1048576\r\n"
        assert_equal [$c wait_closed 300] 0
        assert_equal [r ping] PONG
        $c close
    }

    test {a partial command then close does not affect the server} {
        set c [redis_deferring_client]
        $c raw "*3\r\n\$3\r\nSET\r\n\$1\r\nk"
        $c close
        assert_equal [r ping] PONG
    }

    test {unknown command error quotes the name and the first arguments} {
        assert_equal [r rawcmd foo a b] \
            "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"
    }

    test {unknown command with no arguments keeps the name's case} {
        assert_equal [r rawcmd FOO] "-ERR unknown command 'FOO', with args beginning with: \r\n"
    }

    test {unknown command error truncates the arguments at 128 bytes in total} {
        set x [string repeat x 100]
        set y [string repeat y 100]
        assert_equal [r rawcmd Foo $x $y z] \
            "-ERR unknown command 'Foo', with args beginning with: '$x' '[string repeat y 25]' \r\n"
        set a [string repeat a 200]
        assert_equal [r rawcmd foo $a b] \
            "-ERR unknown command 'foo', with args beginning with: '[string repeat a 128]' \r\n"
    }

    test {an empty command name is an unknown command} {
        assert_equal [r rawcmd ""] "-ERR unknown command '', with args beginning with: \r\n"
    }

    test {unknown command keeps the connection open} {
        catch {r nosuchcommand}
        assert_equal [r ping] PONG
    }

    test {wrong number of arguments names the command in lower case} {
        assert_equal [r rawcmd GET] "-ERR wrong number of arguments for 'get' command\r\n"
        assert_equal [r rawcmd set k] "-ERR wrong number of arguments for 'set' command\r\n"
        assert_equal [r rawcmd get a b] "-ERR wrong number of arguments for 'get' command\r\n"
        assert_equal [r rawcmd MSET a] "-ERR wrong number of arguments for 'mset' command\r\n"
    }

    test {wrong number of arguments for a subcommand names container|sub} {
        assert_equal [r rawcmd config get] \
            "-ERR wrong number of arguments for 'config|get' command\r\n"
        assert_equal [r rawcmd object encoding] \
            "-ERR wrong number of arguments for 'object|encoding' command\r\n"
    }

    test {unknown subcommand error suggests HELP} {
        assert_equal [r rawcmd config foo a] "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n"
        assert_equal [r rawcmd object nope k] "-ERR unknown subcommand 'nope'. Try OBJECT HELP.\r\n"
    }

    test {command names are case-insensitive} {
        assert_equal [r rawcmd pInG] "+PONG\r\n"
        assert_equal [r rawcmd SeT ci v] "+OK\r\n"
        assert_equal [r rawcmd gEt ci] "\$1\r\nv\r\n"
    }

    test {a null bulk reply in RESP2 is $-1} {
        r del nokey
        assert_equal [r rawcmd get nokey] "\$-1\r\n"
    }

    test {a large value round-trips through the parser (1MB)} {
        set v [string repeat abcdefghij 100000]
        r set big $v
        assert_equal [string length [r get big]] 1000000
        assert_equal [r get big] $v
    }
}
