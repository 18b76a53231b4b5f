# tests/unit/strings.tcl: the string commands (GET/SET family, MGET/MSET, APPEND,
# GETRANGE/SETRANGE, counters, INCRBYFLOAT, LCS): replies, errors, encodings and TTL effects.

# Runs test NAME only if the server knows command CMD, else counts it as skipped: the
# WRONGTYPE cases need a non-string key, and lists arrive in a later milestone.
proc strings_test_if {cmd name body} {
    if {[catch {r command info $cmd} info] || [lindex $info 0] eq {}} {
        incr ::kvd::skipped
        return
    }
    uplevel 1 [list test $name $body]
}

with_server {tags {strings}} {
    # ---- GET / SET -------------------------------------------------------------------------

    test {SET then GET returns the value; SET overwrites} {
        r flushall
        assert_equal [r set foo bar] OK
        assert_equal [r get foo] bar
        r set foo baz
        assert_equal [r get foo] baz
    }

    test {SET and GET are binary safe, empty values included} {
        set v "a\x00b\r\nc\xff"
        r set bin $v
        assert_equal [r get bin] $v
        assert_equal [r rawcmd get bin] "\$7\r\n$v\r\n"
        r set empty ""
        assert_equal [r rawcmd get empty] "\$0\r\n\r\n"
    }

    test {GET of a missing key is a null bulk in RESP2 and _ in RESP3} {
        set c [redis_client]
        assert_equal [$c rawcmd get nosuchkey] "\$-1\r\n"
        $c hello 3
        assert_equal [$c rawcmd get nosuchkey] "_\r\n"
        $c close
    }

    strings_test_if rpush {GET on a list key is WRONGTYPE} {
        r del l
        r rpush l a
        assert_equal [r rawcmd get l] "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    }

    test {SET picks int, embstr and raw encodings as Redis does} {
        r set i 123
        assert_encoding int i
        r set big 99999999999
        assert_encoding int big
        r set neg -12
        assert_encoding int neg
        r set lead 0123
        assert_encoding embstr lead
        r set plus +1
        assert_encoding embstr plus
        r set s [string repeat x 44]
        assert_encoding embstr s
        r set s [string repeat x 45]
        assert_encoding raw s
        r set toolong 123456789012345678901
        assert_encoding embstr toolong
    }

    test {SET NX sets only a missing key, SET XX only an existing one} {
        r del k
        assert_equal [r set k 1 xx] {}
        assert_equal [r exists k] 0
        assert_equal [r set k 1 nx] OK
        assert_equal [r set k 2 nx] {}
        assert_equal [r get k] 1
        assert_equal [r set k 3 xx] OK
        assert_equal [r get k] 3
        assert_equal [r rawcmd set k 4 nx] "\$-1\r\n"
    }

    test {SET NX aborted is _ in RESP3} {
        set c [redis_client]
        $c hello 3
        $c set k v
        assert_equal [$c rawcmd set k v nx] "_\r\n"
        $c close
    }

    test {SET GET replies the old value (null when missing)} {
        r del k
        assert_equal [r rawcmd set k v1 get] "\$-1\r\n"
        assert_equal [r set k v2 get] v1
        assert_equal [r get k] v2
    }

    test {SET NX GET is allowed: replies the old value and does not overwrite} {
        r set k old
        assert_equal [r set k new nx get] old
        assert_equal [r get k] old
        r del k
        assert_equal [r set k new nx get] {}
        assert_equal [r get k] new
    }

    test {SET XX GET on a missing key replies null and sets nothing} {
        r del k
        assert_equal [r set k v xx get] {}
        assert_equal [r exists k] 0
    }

    strings_test_if rpush {SET GET on a non-string key is WRONGTYPE and leaves the key alone} {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r set l v get}
        assert_equal [r type l] list
    }

    test {SET EX, PX, EXAT and PXAT set a TTL} {
        r set k v ex 100
        assert_range [r ttl k] 99 100
        r set k v px 100000
        assert_range [r pttl k] 99000 100000
        set at [expr {[clock seconds] + 200}]
        r set k v exat $at
        assert_equal [r expiretime k] $at
        set pat [expr {[clock milliseconds] + 300000}]
        r set k v pxat $pat
        assert_equal [r pexpiretime k] $pat
    }

    test {SET without KEEPTTL clears the TTL, SET KEEPTTL keeps it} {
        r set k v ex 100
        r set k v2 keepttl
        assert_range [r ttl k] 99 100
        assert_equal [r get k] v2
        r set k v3
        assert_equal [r ttl k] -1
    }

    test {SET with a repeated EX uses the last one} {
        r set k v ex 10 ex 20
        assert_range [r ttl k] 19 20
    }

    test {SET option keywords are case-insensitive} {
        r del k
        assert_equal [r set k v Nx Ex 50] OK
        assert_range [r ttl k] 49 50
    }

    test {SET option conflicts are syntax errors} {
        foreach opts {
            {ex 10 px 100} {px 100 exat 10} {ex 10 keepttl} {keepttl px 10} {nx xx} {xx nx}
            {ex} {px} {exat} {pxat} {foo} {persist} {ex 10 foo} {keepttl pxat 10}
        } {
            assert_equal [r rawcmd set k v {*}$opts] "-ERR syntax error\r\n" "options: $opts"
        }
    }

    test {SET with a zero, negative or overflowing time is an invalid expire time} {
        foreach opts {
            {ex 0} {ex -1} {px 0} {px -5} {exat 0} {pxat -1}
            {ex 9223372036854776} {ex 9223372036854775} {px 9223372036854775807}
            {exat 9223372036854776}
        } {
            assert_equal [r rawcmd set k v {*}$opts] \
                "-ERR invalid expire time in 'set' command\r\n" "options: $opts"
        }
        assert_equal [r set k v exat 9223372036854775] OK
        assert_equal [r set k v pxat 9223372036854775807] OK
    }

    test {SET with a non-integer time is not an integer} {
        assert_equal [r rawcmd set k v ex abc] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd set k v px 1.5] "-ERR value is not an integer or out of range\r\n"
    }

    strings_test_if rpush {SET checks the expire time before GET's type check} {
        r del l
        r rpush l a
        assert_equal [r rawcmd set l v get ex 0] "-ERR invalid expire time in 'set' command\r\n"
    }

    test {SET EXAT in the past stores a key that reads as absent} {
        assert_equal [r set k v exat 1] OK
        assert_equal [r get k] {}
        assert_equal [r exists k] 0
    }

    # ---- SETNX / SETEX / PSETEX / GETSET / GETDEL -----------------------------------------

    test {SETNX replies 1 when it sets and 0 when the key exists} {
        r del k
        assert_equal [r setnx k a] 1
        assert_equal [r setnx k b] 0
        assert_equal [r get k] a
    }

    test {SETNX over an expired key sets it} {
        r set k v px 1
        after 5
        assert_equal [r setnx k fresh] 1
        assert_equal [r get k] fresh
    }

    test {SETEX and PSETEX set the value with a TTL} {
        assert_equal [r setex k 100 v] OK
        assert_range [r ttl k] 99 100
        assert_equal [r psetex k 100000 w] OK
        assert_range [r pttl k] 99000 100000
        assert_equal [r get k] w
    }

    test {SETEX and PSETEX errors name the command} {
        assert_equal [r rawcmd setex k 0 v] "-ERR invalid expire time in 'setex' command\r\n"
        assert_equal [r rawcmd setex k -10 v] "-ERR invalid expire time in 'setex' command\r\n"
        assert_equal [r rawcmd psetex k 0 v] "-ERR invalid expire time in 'psetex' command\r\n"
        assert_equal [r rawcmd setex k abc v] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd setex k 1 v extra] "-ERR wrong number of arguments for 'setex' command\r\n"
    }

    test {GETSET replies the old value, stores the new one and drops the TTL} {
        r del k
        assert_equal [r getset k a] {}
        r expire k 100
        assert_equal [r getset k 123] a
        assert_equal [r get k] 123
        assert_equal [r ttl k] -1
        assert_encoding int k
    }

    strings_test_if rpush {GETSET on a non-string key is WRONGTYPE} {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r getset l v}
    }

    test {GETDEL replies the value and deletes the key} {
        r set k v
        assert_equal [r getdel k] v
        assert_equal [r exists k] 0
        assert_equal [r rawcmd getdel k] "\$-1\r\n"
    }

    # ---- GETEX ------------------------------------------------------------------------

    test {GETEX without options is GET} {
        r set k v ex 100
        assert_equal [r getex k] v
        assert_range [r ttl k] 99 100
    }

    test {GETEX EX, PX, EXAT, PXAT set the TTL and PERSIST removes it} {
        r set k v
        assert_equal [r getex k ex 100] v
        assert_range [r ttl k] 99 100
        assert_equal [r getex k px 200000] v
        assert_range [r pttl k] 199000 200000
        set at [expr {[clock seconds] + 300}]
        r getex k exat $at
        assert_equal [r expiretime k] $at
        set pat [expr {[clock milliseconds] + 400000}]
        r getex k pxat $pat
        assert_equal [r pexpiretime k] $pat
        assert_equal [r getex k persist] v
        assert_equal [r ttl k] -1
    }

    test {GETEX with a past EXAT or PXAT replies the value and deletes the key} {
        r set k v
        assert_equal [r getex k exat 1] v
        assert_equal [r exists k] 0
        r set k v
        assert_equal [r getex k pxat 1] v
        assert_equal [r exists k] 0
    }

    test {GETEX option errors} {
        r set k v
        foreach opts {{nx} {xx} {get} {keepttl} {ex 10 px 10} {persist ex 10} {ex 10 persist} {ex} {foo}} {
            assert_equal [r rawcmd getex k {*}$opts] "-ERR syntax error\r\n" "options: $opts"
        }
        assert_equal [r rawcmd getex k ex 0] "-ERR invalid expire time in 'getex' command\r\n"
        assert_equal [r rawcmd getex k px 9223372036854775807] "-ERR invalid expire time in 'getex' command\r\n"
        assert_equal [r rawcmd getex k ex abc] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r ttl k] -1
    }

    test {GETEX on a missing key is null even with a bad time, but not with a syntax error} {
        r del k
        assert_equal [r rawcmd getex k ex abc] "\$-1\r\n"
        assert_equal [r rawcmd getex k ex 0] "\$-1\r\n"
        assert_equal [r rawcmd getex k foo] "-ERR syntax error\r\n"
    }

    strings_test_if rpush {GETEX on a non-string key is WRONGTYPE} {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r getex l persist}
    }

    # ---- MGET / MSET / MSETNX -------------------------------------------------------------

    test {MGET returns null for missing keys} {
        r flushall
        r set a 1
        r set b 2
        assert_equal [r mget a nokey b] {1 {} 2}
        assert_equal [r rawcmd mget a nokey] "*2\r\n\$1\r\n1\r\n\$-1\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd mget a nokey] "*2\r\n\$1\r\n1\r\n_\r\n"
        $c close
    }

    test {MSET sets every pair, the last value wins for a repeated key} {
        assert_equal [r mset a 1 b 2 a 3] OK
        assert_equal [r mget a b] {3 2}
        r set t v ex 100
        r mset t w
        assert_equal [r ttl t] -1
        r mset n 42
        assert_encoding int n
    }

    test {MSET and MSETNX with an odd number of arguments are arity errors} {
        assert_equal [r rawcmd mset a 1 b] "-ERR wrong number of arguments for 'mset' command\r\n"
        assert_equal [r rawcmd msetnx a 1 b] "-ERR wrong number of arguments for 'msetnx' command\r\n"
        assert_equal [r rawcmd mset a] "-ERR wrong number of arguments for 'mset' command\r\n"
    }

    test {MSETNX sets all keys or none} {
        r del x y z
        r set z 0
        assert_equal [r msetnx x 1 y 2 z 3] 0
        assert_equal [r mget x y z] {{} {} 0}
        assert_equal [r msetnx x 1 y 2] 1
        assert_equal [r mget x y] {1 2}
    }

    test {MSETNX with a repeated new key sets it to the last value} {
        r del d
        assert_equal [r msetnx d 1 d 2] 1
        assert_equal [r get d] 2
    }

    # ---- APPEND / STRLEN ----------------------------------------------------------------

    test {APPEND creates a missing key encoded as SET would} {
        r del k
        assert_equal [r append k 123] 3
        assert_encoding int k
        r del k
        assert_equal [r append k hello] 5
        assert_encoding embstr k
    }

    test {APPEND to an existing value returns the new length and makes it raw} {
        r set k 10
        assert_equal [r append k 5] 3
        assert_equal [r get k] 105
        assert_encoding raw k
        assert_equal [r incr k] 106
        assert_encoding int k
        r set k hello
        assert_equal [r append k " world"] 11
        assert_equal [r get k] "hello world"
        assert_encoding raw k
    }

    test {APPEND many times builds the concatenation} {
        r del k
        set expected ""
        for {set i 0} {$i < 200} {incr i} {
            r append k "x$i"
            append expected "x$i"
        }
        assert_equal [r get k] $expected
    }

    test {APPEND keeps the TTL} {
        r set k v ex 100
        r append k w
        assert_range [r ttl k] 99 100
    }

    strings_test_if rpush {APPEND on a list key is WRONGTYPE} {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r append l x}
    }

    test {APPEND does not change a value another key shares} {
        r set a 5
        r set b 5
        r append a 1
        assert_equal [r get a] 51
        assert_equal [r get b] 5
    }

    test {STRLEN counts bytes of any encoding, 0 for a missing key} {
        r set k hello
        assert_equal [r strlen k] 5
        r set k -12345
        assert_equal [r strlen k] 6
        r del k
        assert_equal [r strlen k] 0
        r set k [string repeat a 100]
        assert_equal [r strlen k] 100
    }

    # ---- GETRANGE / SUBSTR / SETRANGE --------------------------------------------------

    test {GETRANGE with positive and negative indexes} {
        r set s hello
        assert_equal [r getrange s 0 -1] hello
        assert_equal [r getrange s 1 3] ell
        assert_equal [r getrange s 3 100] lo
        assert_equal [r getrange s -3 -1] llo
        assert_equal [r getrange s -100 -100] h
        assert_equal [r getrange s -100 1] he
        assert_equal [r getrange s 4 2] {}
        assert_equal [r rawcmd getrange s -1 -5] "\$0\r\n\r\n"
        assert_equal [r getrange s 5 10] {}
    }

    test {GETRANGE of a missing key is an empty bulk, not null} {
        r del k
        assert_equal [r rawcmd getrange k 0 -1] "\$0\r\n\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd getrange k 0 -1] "\$0\r\n\r\n"
        $c close
    }

    test {GETRANGE works on int-encoded values} {
        r set n 12345
        assert_equal [r getrange n 1 -2] 234
        assert_equal [r substr n 0 0] 1
    }

    test {GETRANGE errors} {
        r set s hello
        assert_equal [r rawcmd getrange s a 1] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd getrange s 0 99999999999999999999] "-ERR value is not an integer or out of range\r\n"
    }

    test {SUBSTR behaves as GETRANGE} {
        r set s hello
        assert_equal [r substr s 1 -2] ell
        assert_equal [r substr s -100 -100] h
    }

    test {SETRANGE on a missing key zero-pads and creates a raw string} {
        r del k
        assert_equal [r setrange k 3 ab] 5
        assert_equal [r get k] "\x00\x00\x00ab"
        assert_encoding raw k
        r del k
        assert_equal [r setrange k 0 12] 2
        assert_encoding raw k
    }

    test {SETRANGE overwrites and extends an existing value} {
        r set k "hello world"
        assert_equal [r setrange k 6 redis] 11
        assert_equal [r get k] "hello redis"
        assert_equal [r setrange k 12 "!"] 13
        assert_equal [r get k] "hello redis\x00!"
        r set k 12345
        assert_equal [r setrange k 1 x] 5
        assert_equal [r get k] 1x345
        assert_encoding raw k
    }

    test {SETRANGE with an empty value changes nothing and replies the length} {
        r del k
        assert_equal [r setrange k 5 ""] 0
        assert_equal [r exists k] 0
        assert_equal [r setrange k 999999999999 ""] 0
        r set k abc
        assert_equal [r setrange k 999999999999 ""] 3
        assert_equal [r get k] abc
    }

    test {SETRANGE keeps the TTL} {
        r set k hello ex 100
        r setrange k 0 j
        assert_range [r ttl k] 99 100
        assert_equal [r get k] jello
    }

    test {SETRANGE errors: offset and size limit} {
        r set k abc
        assert_equal [r rawcmd setrange k -1 x] "-ERR offset is out of range\r\n"
        assert_equal [r rawcmd setrange k abc x] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd setrange k 536870912 x] \
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"
        assert_equal [r rawcmd setrange nokey 536870912 x] \
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"
        assert_equal [r exists nokey] 0
    }

    # ---- counters -------------------------------------------------------------------------

    test {INCR and DECR on a missing key start from 0} {
        r del c
        assert_equal [r incr c] 1
        assert_equal [r incr c] 2
        assert_equal [r decr c] 1
        r del c
        assert_equal [r decr c] -1
    }

    test {INCRBY and DECRBY} {
        r set c 10
        assert_equal [r incrby c 5] 15
        assert_equal [r incrby c -20] -5
        assert_equal [r decrby c 10] -15
        assert_equal [r decrby c -100] 85
        assert_equal [r rawcmd incrby c 0] ":85\r\n"
    }

    test {INCR results are int encoded and keep the TTL} {
        r set c 99999 ex 100
        r incr c
        assert_encoding int c
        assert_range [r ttl c] 99 100
        r set c 5
        r incr c
        assert_encoding int c
    }

    test {INCR on a non-integer value is an error and changes nothing} {
        foreach v {abc 1.5 " 1" "1 " 01 +1 "" 99999999999999999999} {
            r set c $v
            assert_equal [r rawcmd incr c] "-ERR value is not an integer or out of range\r\n" "value '$v'"
            assert_equal [r get c] $v
        }
    }

    test {INCR on a raw string holding an integer works} {
        r set c 1
        r append c 2
        assert_encoding raw c
        assert_equal [r incr c] 13
    }

    strings_test_if rpush {INCRBY with a bad increment is checked before the key type} {
        r del l
        r rpush l a
        assert_equal [r rawcmd incrby l abc] "-ERR value is not an integer or out of range\r\n"
        assert_error "WRONGTYPE*" {r incrby l 1}
        assert_error "WRONGTYPE*" {r incr l}
    }

    test {INCR and DECR overflow errors} {
        r set c 9223372036854775807
        assert_equal [r rawcmd incr c] "-ERR increment or decrement would overflow\r\n"
        r set c -9223372036854775808
        assert_equal [r rawcmd decr c] "-ERR increment or decrement would overflow\r\n"
        assert_equal [r rawcmd incrby c -1] "-ERR increment or decrement would overflow\r\n"
        assert_equal [r incrby c 9223372036854775807] -1
        r set c 1
        assert_equal [r rawcmd incrby c 9223372036854775807] "-ERR increment or decrement would overflow\r\n"
        assert_equal [r get c] 1
    }

    test {DECRBY -9223372036854775808 is a decrement overflow} {
        r set c 5
        assert_equal [r rawcmd decrby c -9223372036854775808] "-ERR decrement would overflow\r\n"
        r del c
        assert_equal [r rawcmd decrby c -9223372036854775808] "-ERR decrement would overflow\r\n"
        assert_equal [r decrby c 9223372036854775807] -9223372036854775807
        assert_equal [r decr c] -9223372036854775808
    }

    test {INCRBYFLOAT adds and stores the human-readable form} {
        r set f 10.50
        assert_equal [r incrbyfloat f 0.1] 10.6
        assert_equal [r get f] 10.6
        assert_equal [r incrbyfloat f -5.0e3] -4989.39999999999999991
        r del f
        assert_equal [r incrbyfloat f 1.5] 1.5
        assert_encoding embstr f
        r set f 1
        assert_equal [r incrbyfloat f 2] 3
        assert_encoding embstr f
        r set f 5.0e3
        assert_equal [r incrbyfloat f 0] 5000
        r del f
        assert_equal [r incrbyfloat f 1e-20] 0
        r set f -0
        assert_equal [r incrbyfloat f 0] 0
    }

    test {INCRBYFLOAT replies a bulk string in both protocols} {
        r set f 1
        assert_equal [r rawcmd incrbyfloat f 0.5] "\$3\r\n1.5\r\n"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd incrbyfloat f 0.5] "\$1\r\n2\r\n"
        $c close
    }

    test {INCRBYFLOAT with huge values keeps every integer digit} {
        r set f 1
        set v [r incrbyfloat f 1e308]
        assert_equal [string length $v] 308
        assert_match {99999999999999999996685879655845645660560099847415567207797047994921*} $v
        r del f
        assert_equal [string length [r incrbyfloat f 1e4000]] 4000
    }

    test {INCRBYFLOAT errors} {
        r set f abc
        assert_equal [r rawcmd incrbyfloat f 1] "-ERR value is not a valid float\r\n"
        r set f 1
        foreach bad {abc " 1" "1 " "" nan} {
            assert_equal [r rawcmd incrbyfloat f $bad] "-ERR value is not a valid float\r\n" "incr '$bad'"
        }
        assert_equal [r rawcmd incrbyfloat f inf] "-ERR increment would produce NaN or Infinity\r\n"
        assert_equal [r get f] 1
    }

    test {INCRBYFLOAT keeps the TTL} {
        r set f 1 ex 100
        r incrbyfloat f 1
        assert_range [r ttl f] 99 100
    }

    # ---- LCS -------------------------------------------------------------------------------

    test {LCS returns the longest common subsequence} {
        r mset key1 ohmytext key2 mynewtext
        assert_equal [r lcs key1 key2] mytext
        assert_equal [r lcs key1 key2 len] 6
        assert_equal [r lcs key2 key1] mytext
    }

    test {LCS of missing keys is empty} {
        r del nokey1 nokey2
        assert_equal [r rawcmd lcs nokey1 nokey2] "\$0\r\n\r\n"
        assert_equal [r lcs key1 nokey1 len] 0
        assert_equal [r lcs key1 key1] ohmytext
    }

    test {LCS IDX lists the matches from the end with the total length} {
        assert_equal [r lcs key1 key2 idx] {matches {{{4 7} {5 8}} {{2 3} {0 1}}} len 6}
        assert_equal [r lcs key1 key2 idx minmatchlen 4 withmatchlen] {matches {{{4 7} {5 8} 4}} len 6}
        assert_equal [r lcs key1 key2 idx withmatchlen] {matches {{{4 7} {5 8} 4} {{2 3} {0 1} 2}} len 6}
        assert_equal [r lcs key1 key2 idx minmatchlen -5] {matches {{{4 7} {5 8}} {{2 3} {0 1}}} len 6}
    }

    test {LCS IDX raw reply: flat array in RESP2, map in RESP3} {
        set tail "\$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n\$3\r\nlen\r\n:6\r\n"
        assert_equal [r rawcmd lcs key1 key2 idx minmatchlen 3 withmatchlen] "*4\r\n$tail"
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd lcs key1 key2 idx minmatchlen 3 withmatchlen] "%2\r\n$tail"
        assert_equal [$c rawcmd lcs nokey1 nokey2 idx] "%2\r\n\$7\r\nmatches\r\n*0\r\n\$3\r\nlen\r\n:0\r\n"
        $c close
    }

    test {LCS picks the same answer as Redis among equal-length ones} {
        r mset a1 abcbdab b1 bdcaba
        assert_equal [r lcs a1 b1] bdab
        assert_equal [r lcs b1 a1] bcba
        assert_equal [r lcs a1 b1 idx] {matches {{{5 6} {3 4}} {{3 4} {0 1}}} len 4}
        r mset n1 12345 n2 2468
        assert_equal [r lcs n1 n2] 24
    }

    test {LCS errors} {
        assert_equal [r rawcmd lcs key1 key2 idx len] \
            "-ERR If you want both the length and indexes, please just use IDX.\r\n"
        assert_equal [r rawcmd lcs key1 key2 foo] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lcs key1 key2 minmatchlen] "-ERR syntax error\r\n"
        assert_equal [r rawcmd lcs key1 key2 minmatchlen x] "-ERR value is not an integer or out of range\r\n"
    }

    # ---- non-string keys (created with RPUSH; skipped while the server has no lists) ------

    strings_test_if rpush {GETDEL on a list key is WRONGTYPE and keeps the key} {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r getdel l}
        assert_equal [r exists l] 1
    }

    strings_test_if rpush {MGET replies null for a non-string key} {
        r del l
        r rpush l x
        r set a 1
        assert_equal [r mget a l] {1 {}}
    }

    strings_test_if rpush {STRLEN, GETRANGE, SETRANGE on a list key are WRONGTYPE} {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r strlen l}
        assert_error "WRONGTYPE*" {r getrange l 0 -1}
        assert_error "ERR value is not an integer*" {r getrange l x 0}
        assert_error "WRONGTYPE*" {r setrange l 0 x}
        assert_error "WRONGTYPE*" {r setrange l 0 ""}
        assert_equal [r rawcmd setrange l -1 ""] "-ERR offset is out of range\r\n"
    }

    strings_test_if rpush {INCRBYFLOAT on a list key is WRONGTYPE before the increment is parsed} {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r incrbyfloat l abc}
    }

    strings_test_if rpush {LCS on a non-string key has its own error, checked before options} {
        r del l
        r rpush l a
        assert_equal [r rawcmd lcs key1 l] "-ERR The specified keys must contain string values\r\n"
        assert_equal [r rawcmd lcs l key1 foo] "-ERR The specified keys must contain string values\r\n"
    }

    # ---- bookkeeping ---------------------------------------------------------------------------

    test {writes count as changes since the last save, failed ones do not} {
        r set k v
        set before [info_field [r info persistence] rdb_changes_since_last_save]
        r set k v2
        r mset a 1 b 2
        r incr c
        r setnx k x
        r setrange k 0 ""
        set after [info_field [r info persistence] rdb_changes_since_last_save]
        assert_equal [expr {$after - $before}] 4
    }
}
