# tests/unit/scripting.tcl: EVAL, EVALSHA, EVAL_RO, SCRIPT and the Lua API. Every expectation
# was checked against redis-server 7.0.15 (run with KVD_BIN=/usr/bin/redis-server). Replies are
# compared as raw bytes where the exact form matters (error texts, RESP3 types).
# Cost: about 3 s, most of it the two busy-script tests (busy-reply-threshold lowered to 100 ms).

# The sha1 a script is cached under (SCRIPT LOAD is the same on both servers).
proc sha {body} { return [r script load $body] }
# The raw error Redis 7.0 replies when a script raises at line LINE.
proc script_error {text body {line 1}} {
    return "-$text script: [sha $body], on @user_script:$line.\r\n"
}

with_server {tags {scripting}} {
    test {EVAL converts Lua values to RESP2: integers, strings, nested tables, false and nil} {
        assert_equal [r rawcmd eval {return 1} 0] ":1\r\n"
        assert_equal [r rawcmd eval {return {1,2,{3,'x'},false,true,nil,5}} 0] \
            "*5\r\n:1\r\n:2\r\n*2\r\n:3\r\n\$1\r\nx\r\n\$-1\r\n:1\r\n"
        assert_equal [r rawcmd eval {return 'a\0b'} 0] "\$3\r\na\x00b\r\n"
        assert_equal [r rawcmd eval {return nil} 0] "\$-1\r\n"
        assert_equal [r rawcmd eval {return false} 0] "\$-1\r\n"
        assert_equal [r rawcmd eval {return true} 0] ":1\r\n"
    }

    test {Lua numbers are truncated to integers; out of range gives LLONG_MIN} {
        assert_equal [r rawcmd eval {return 3.99} 0] ":3\r\n"
        assert_equal [r rawcmd eval {return {1.9, -1.9, 1e20, 1/0}} 0] \
            "*4\r\n:1\r\n:-1\r\n:-9223372036854775808\r\n:-9223372036854775808\r\n"
    }

    test {Tables with ok and err become status and error replies} {
        assert_equal [r rawcmd eval {return {ok='fine'}} 0] "+fine\r\n"
        assert_equal [r rawcmd eval {return {err='My err'}} 0] "-My err\r\n"
        assert_equal [r rawcmd eval {return {err='-x'}} 0] "--x\r\n"
        assert_equal [r rawcmd eval {return {err=''}} 0] "-\r\n"
        assert_equal [r rawcmd eval {return {err='a\r\nb'}} 0] "-a  b\r\n"
        assert_equal [r rawcmd eval {return redis.status_reply('a\r\nb')} 0] "+a  b\r\n"
        assert_equal [r rawcmd eval {return {err='a', ok='b'}} 0] "-a\r\n"
        assert_equal [r rawcmd eval {return {ok='b', 1, 2}} 0] "+b\r\n"
        assert_equal [r rawcmd eval {return {err=3}} 0] "*0\r\n"
        assert_equal [r rawcmd eval {return {1, {ok='a'}, {err='b'}}} 0] "*3\r\n:1\r\n+a\r\n-b\r\n"
    }

    test {redis.error_reply and redis.status_reply build Redis 7.0 error tables} {
        assert_equal [r rawcmd eval {return redis.error_reply('x y')} 0] "-x y\r\n"
        assert_equal [r rawcmd eval {return redis.error_reply('-FOO x y')} 0] "-FOO x y\r\n"
        assert_equal [r rawcmd eval {return redis.error_reply('')} 0] "-ERR \r\n"
        assert_equal [r eval {return redis.error_reply('x').err} 0] "ERR x"
        assert_equal [r eval {return redis.error_reply('-x').err} 0] "ERR x"
        assert_equal [r rawcmd eval {return redis.status_reply('PONG')} 0] "+PONG\r\n"
        assert_equal [r rawcmd eval {return redis.error_reply(5)} 0] \
            "-ERR wrong number or type of arguments\r\n"
        assert_equal [r rawcmd eval {return redis.status_reply()} 0] \
            "-ERR wrong number or type of arguments\r\n"
    }

    test {EVALSHA runs a script loaded by SCRIPT LOAD; the sha is case-insensitive} {
        r script flush
        set s [r script load {return 'loaded'}]
        assert_equal $s [r eval {return redis.sha1hex('return \'loaded\'')} 0]
        assert_equal [r evalsha $s 0] loaded
        assert_equal [r evalsha [string toupper $s] 0] loaded
        assert_equal [r script exists $s [string toupper $s] ffffffffffffffffffffffffffffffffffffffff] {1 1 0}
        assert_equal [r rawcmd evalsha ffffffffffffffffffffffffffffffffffffffff 0] \
            "-NOSCRIPT No matching script. Please use EVAL.\r\n"
        assert_equal [r rawcmd evalsha abc 0] "-NOSCRIPT No matching script. Please use EVAL.\r\n"
    }

    test {EVAL caches the script for EVALSHA; SCRIPT FLUSH empties the cache} {
        r script flush
        r eval {return 'cached'} 0
        set s [sha {return 'cached'}]
        assert_equal [r evalsha $s 0] cached
        assert_equal [r script flush sync] OK
        assert_equal [r script exists $s] 0
        r script load {return 1}
        assert_equal [r script flush async] OK
        assert_equal [r script exists [sha {return 2}] [sha {return 3}]] {1 1}
        assert_equal [r script flush] OK
        assert_equal [r rawcmd script flush foo] "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n"
    }

    test {SCRIPT argument errors} {
        assert_equal [r rawcmd script] "-ERR wrong number of arguments for 'script' command\r\n"
        assert_equal [r rawcmd script foo] "-ERR unknown subcommand 'foo'. Try SCRIPT HELP.\r\n"
        assert_equal [r rawcmd script exists] \
            "-ERR wrong number of arguments for 'script|exists' command\r\n"
        assert_equal [r rawcmd script kill] "-NOTBUSY No scripts in execution right now.\r\n"
        assert_match "SCRIPT <subcommand>*" [lindex [r script help] 0]
    }

    test {numkeys must be an integer between 0 and the number of arguments} {
        assert_equal [r rawcmd eval {return 1} abc] "-ERR value is not an integer or out of range\r\n"
        assert_equal [r rawcmd eval {return 1} -1] "-ERR Number of keys can't be negative\r\n"
        assert_equal [r rawcmd eval {return 1} 2 a] \
            "-ERR Number of keys can't be greater than number of args\r\n"
        # numkeys is checked before the script is compiled
        assert_equal [r rawcmd eval {return 'x} abc] "-ERR value is not an integer or out of range\r\n"
    }

    test {KEYS and ARGV; scripts may touch keys they did not declare} {
        r del k undeclared
        assert_equal [r eval {return {KEYS[1], KEYS[2], ARGV[1], #KEYS, #ARGV}} 2 a b c] {a b c 2 1}
        r eval {redis.call('set', KEYS[1], ARGV[1]); return redis.call('set', 'undeclared', 'v')} 1 k x
        assert_equal [r mget k undeclared] {x v}
        assert_equal [r eval {KEYS[1] = 'changed' return KEYS[1]} 1 k] changed
    }

    test {A compile error is reported without running anything} {
        assert_equal [r rawcmd eval {return 'x} 0] \
            "-ERR Error compiling script (new function): user_script:1: unfinished string near '<eof>'\r\n"
        assert_equal [r rawcmd script load {return 'x}] \
            "-ERR Error compiling script (new function): user_script:1: unfinished string near '<eof>'\r\n"
    }

    test {Runtime errors carry the script sha and the line that raised} {
        set b "local function f()\n  error('deep')\nend\nf()"
        assert_equal [r rawcmd eval $b 0] [script_error "ERR user_script:2: deep" $b 2]
        set b "local a = nil\nreturn a + 1"
        assert_equal [r rawcmd eval $b 0] \
            [script_error "ERR user_script:2: attempt to perform arithmetic on local 'a' (a nil value)" $b 2]
        set b {error('x', 0)}
        assert_equal [r rawcmd eval $b 0] [script_error "ERR x" $b]
        set b {error(123)}
        assert_equal [r rawcmd eval $b 0] [script_error "ERR user_script:1: 123" $b]
        set b {error()}
        assert_equal [r rawcmd eval $b 0] [script_error "ERR nil" $b]
        set b {error(true)}
        assert_equal [r rawcmd eval $b 0] [script_error "ERR true" $b]
    }

    test {error() with a table keeps its err text as the whole error} {
        set b {error({err='EFOO bar'})}
        assert_equal [r rawcmd eval $b 0] [script_error "EFOO bar" $b]
        set b {error({err='bar'})}
        assert_equal [r rawcmd eval $b 0] [script_error "bar" $b]
        set b {error({err=5})}
        assert_equal [r rawcmd eval $b 0] [script_error "5" $b]
        set b {error({err='A\nB'})}
        assert_equal [r rawcmd eval $b 0] [script_error "A B" $b]
    }

    test {redis.call errors raise with the command's error text; redis.pcall returns them} {
        r set str x
        set b {return redis.call('incr','str')}
        assert_equal [r rawcmd eval $b 0] [script_error "ERR value is not an integer or out of range" $b]
        assert_equal [r rawcmd eval {return redis.pcall('incr','str')} 0] \
            "-ERR value is not an integer or out of range\r\n"
        assert_equal [r eval {return redis.pcall('incr','str')['err']} 0] \
            "ERR value is not an integer or out of range"
        set b {return redis.call('lpush','str','x')}
        assert_equal [r rawcmd eval $b 0] \
            [script_error "WRONGTYPE Operation against a key holding the wrong kind of value" $b]
    }

    test {Unknown commands, wrong arity and bad arguments from scripts} {
        set b "local a = 1\nreturn redis.call('nosuch')"
        assert_equal [r rawcmd eval $b 0] [script_error "ERR Unknown Redis command called from script" $b 2]
        assert_equal [r rawcmd eval {return redis.pcall('nosuch')} 0] \
            "-ERR Unknown Redis command called from script\r\n"
        set b {return redis.call('config','foo')}
        assert_equal [r rawcmd eval $b 0] [script_error "ERR Unknown Redis command called from script" $b]
        set b {return redis.call('set','a')}
        assert_equal [r rawcmd eval $b 0] \
            [script_error "ERR Wrong number of args calling Redis command from script" $b]
        set b {return redis.call('config')}
        assert_equal [r rawcmd eval $b 0] \
            [script_error "ERR Wrong number of args calling Redis command from script" $b]
        set b {return redis.call()}
        assert_equal [r rawcmd eval $b 0] \
            [script_error "ERR Please specify at least one argument for this redis lib call" $b]
        set b {return redis.call('get',{})}
        assert_equal [r rawcmd eval $b 0] \
            [script_error "ERR Lua redis lib command arguments must be strings or integers" $b]
        set b {return redis.call('set','a',true)}
        assert_equal [r rawcmd eval $b 0] \
            [script_error "ERR Lua redis lib command arguments must be strings or integers" $b]
    }

    test {Numbers passed to redis.call are formatted with 17 digits} {
        r eval {redis.call('set','f1',0.1) redis.call('set','f2',1e20) redis.call('set','f3',-0.0) redis.call('set','f4',5)} 0
        assert_equal [r mget f1 f2 f3 f4] {0.10000000000000001 1e+20 -0 5}
    }

    test {Commands flagged noscript are refused, blocking ones included} {
        foreach {b} {
            {return redis.call('blpop','x',0)}
            {return redis.call('subscribe','x')}
            {return redis.call('eval','return 1', 0)}
            {return redis.call('multi')}
        } {
            assert_equal [r rawcmd eval $b 0] [script_error "ERR This Redis command is not allowed from script" $b]
        }
    }

    test {pcall turns an error table into its text} {
        assert_equal [r eval {local ok, e = pcall(function() redis.call('nosuch') end); return {tostring(ok), type(e), e}} 0] \
            {false string {ERR Unknown Redis command called from script}}
        assert_equal [r eval {local ok, e = pcall(function() error({err='X'}) end); return {type(e), e}} 0] \
            {string X}
        assert_equal [r eval {local ok, e = pcall(error, 'plain'); return {tostring(ok), e}} 0] {false plain}
        assert_equal [r eval {local ok, e = pcall(function() return x end); return e} 0] \
            "user_script:1: Script attempted to access nonexistent global variable 'x'"
        set b {local ok, e = pcall(function() redis.call('nosuch') end); error(e)}
        assert_equal [r rawcmd eval $b 0] \
            [script_error "ERR user_script:1: ERR Unknown Redis command called from script" $b]
    }

    test {The globals are protected: no new globals, no nonexistent ones, read-only libraries} {
        set b {return x}
        assert_equal [r rawcmd eval $b 0] \
            [script_error "ERR user_script:1: Script attempted to access nonexistent global variable 'x'" $b]
        foreach b {{x=1} {function f() end} {_G.x = 1} {string.x = 1} {redis.call = nil} {cjson.x = 1}
                   {local t = getmetatable('') ; t.__index = nil return 1}} {
            assert_equal [r rawcmd eval $b 0] \
                [script_error "ERR user_script:1: Attempt to modify a readonly table" $b]
        }
        foreach b {{rawset(_G, 'x', 1) return 1} {setmetatable(_G, nil)}} {
            assert_equal [r rawcmd eval $b 0] [script_error "ERR Attempt to modify a readonly table" $b]
        }
        assert_equal [r eval {return rawget(_G, 'nonexist') == nil} 0] 1
        assert_equal [r eval {local x = {}; x.a = 1; return x.a} 0] 1
        assert_equal [r eval {local n=0 for k,v in pairs(string) do n=n+1 end return n} 0] 15
    }

    test {The sandbox: no loadfile, dofile, print, require, setfenv or os in 7.0} {
        foreach g {loadfile dofile print require setfenv getfenv os io debug module newproxy} {
            set b "return type($g)"
            assert_equal [r rawcmd eval $b 0] \
                [script_error "ERR user_script:1: Script attempted to access nonexistent global variable '$g'" $b]
        }
        assert_equal [r eval {local t={} for k,v in pairs(_G) do t[#t+1]=k end table.sort(t) return t} 0] \
            {ARGV KEYS _G _VERSION __redis__err__handler assert bit cjson cmsgpack collectgarbage coroutine error gcinfo getmetatable ipairs load loadstring math next pairs pcall rawequal rawget rawset redis select setmetatable string struct table tonumber tostring type unpack xpcall}
        assert_equal [r eval {local t={} for k,v in pairs(redis) do t[#t+1]=k end table.sort(t) return t} 0] \
            {LOG_DEBUG LOG_NOTICE LOG_VERBOSE LOG_WARNING REDIS_VERSION REDIS_VERSION_NUM REPL_ALL REPL_AOF REPL_NONE REPL_REPLICA REPL_SLAVE acl_check_cmd breakpoint call debug error_reply log pcall replicate_commands set_repl setresp sha1hex status_reply}
    }

    test {math.random is drand48: randomseed(1) gives Redis's sequence} {
        assert_equal [r eval {math.randomseed(1) return {tostring(math.random()), tostring(math.random()), math.random(100), math.random(5,10)}} 0] \
            {0.041630344484761 0.4544924448498 84 7}
        # the state carries over to the next script, as in 7.0
        assert_equal [r eval {return tostring(math.random())} 0] 0.56548940370115
    }

    test {redis.* constants, sha1hex, log, set_repl and setresp argument checks} {
        assert_equal [r eval {return redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM} 0] "7.0.15 458767"
        assert_equal [r eval {return {redis.LOG_DEBUG,redis.LOG_VERBOSE,redis.LOG_NOTICE,redis.LOG_WARNING, redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}} 0] \
            {0 1 2 3 0 1 2 2 3}
        assert_equal [r eval {return redis.sha1hex('')} 0] da39a3ee5e6b4b0d3255bfef95601890afd80709
        assert_equal [r rawcmd eval {return redis.log(redis.LOG_DEBUG, 'quiet', 5)} 0] "\$-1\r\n"
        assert_equal [r rawcmd eval {return redis.set_repl(redis.REPL_ALL)} 0] "\$-1\r\n"
        assert_equal [r eval {return redis.replicate_commands()} 0] 1
        foreach {b e} {
            {return redis.sha1hex()} {ERR wrong number of arguments}
            {return redis.log(redis.LOG_WARNING)} {ERR redis.log() requires two arguments or more.}
            {return redis.log(99, 'x')} {ERR Invalid debug level.}
            {return redis.set_repl(99)} {ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.}
            {return redis.set_repl()} {ERR redis.set_repl() requires two arguments.}
            {redis.setresp(4)} {ERR RESP version must be 2 or 3.}
            {redis.setresp()} {ERR redis.setresp() requires one argument.}
            {return redis.acl_check_cmd('nosuch')} {ERR Invalid command passed to redis.acl_check_cmd()}
        } {
            assert_equal [r rawcmd eval $b 0] [script_error $e $b]
        }
    }

    test {EVAL_RO and no-writes scripts refuse write commands} {
        set b {return redis.call('set','a','b')}
        assert_equal [r rawcmd eval_ro $b 0] \
            [script_error "ERR Write commands are not allowed from read-only scripts." $b]
        assert_equal [r rawcmd eval_ro {return redis.pcall('set','a','b')} 0] \
            "-ERR Write commands are not allowed from read-only scripts.\r\n"
        set b "#!lua flags=no-writes\nreturn redis.call('set','a','b')"
        assert_equal [r rawcmd eval $b 0] \
            [script_error "ERR Write commands are not allowed from read-only scripts." $b 2]
        r set a v
        assert_equal [r eval_ro {return redis.call('get','a')} 0] v
        assert_equal [r evalsha_ro [sha {return redis.call('get','a')}] 0] v
        assert_equal [r rawcmd eval_ro "#!lua\nreturn 1" 0] \
            "-ERR Can not execute a script with write flag using *_ro command.\r\n"
        assert_equal [r eval_ro "#!lua flags=no-writes\nreturn redis.call('get','a')" 0] v
    }

    test {The #!lua shebang: flags are parsed and bad ones refused} {
        assert_equal [r eval "#!lua\nreturn redis.call('set','sb','1')" 0] OK
        assert_equal [r eval "#!lua flags=no-writes,allow-oom\nreturn 1" 0] 1
        assert_equal [r eval "#!lua flags=allow-cross-slot-keys,no-cluster,allow-stale,allow-oom\nreturn 1" 0] 1
        assert_equal [r eval "#!lua flags=\nreturn 1" 0] 1
        assert_equal [r eval "#!lua  flags=no-writes\nreturn 1" 0] 1
        foreach {b e} {
            "#!lua flags=bad\nreturn 1" {ERR Unexpected flag in script shebang: bad}
            "#!lua flags=no-writes,,allow-oom\nreturn 1" {ERR Unexpected flag in script shebang: }
            "#!lua name=x\nreturn 1" {ERR Unknown lua shebang option: name=x}
            "#!python flags=x\nreturn 1" {ERR Unexpected engine in script shebang: #!python}
            "#!luax\nreturn 1" {ERR Unexpected engine in script shebang: #!luax}
            "#!lua" {ERR Invalid script shebang}
        } {
            assert_equal [r rawcmd eval $b 0] "-$e\r\n"
        }
    }

    test {RESP3 replies become Lua tables after redis.setresp(3)} {
        r del z s1 h
        r zadd z 1.5 a
        r sadd s1 m
        r hset h f v
        assert_equal [r eval {redis.setresp(3); local d = redis.call('zscore','z','a'); return {type(d), tostring(d.double)}} 0] {table 1.5}
        assert_equal [r eval {redis.setresp(3); local s = redis.call('smembers','s1'); return {type(s.set), tostring(s.set.m)}} 0] {table true}
        assert_equal [r eval {redis.setresp(3); local t = redis.call('hgetall','h'); return {type(t.map), t.map.f}} 0] {table v}
        assert_equal [r eval {redis.setresp(3); return {type(redis.call('get','nokey'))}} 0] nil
        assert_equal [r eval {return {type(redis.call('get','nokey'))}} 0] boolean
        # to a RESP2 caller the RESP3 types come back in their RESP2 forms
        assert_equal [r rawcmd eval {redis.setresp(3); return redis.call('zscore','z','a')} 0] "\$3\r\n1.5\r\n"
        assert_equal [r rawcmd eval {redis.setresp(3); return redis.call('hgetall','h')} 0] \
            "*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n"
        assert_equal [r rawcmd eval {redis.setresp(3); return true} 0] ":1\r\n"
        assert_equal [r rawcmd eval {redis.setresp(3); return false} 0] ":0\r\n"
    }

    test {RESP3 table forms returned to a RESP2 client} {
        assert_equal [r rawcmd eval {return {double=3.5}} 0] "\$3\r\n3.5\r\n"
        assert_equal [r rawcmd eval {return {double=3}} 0] "\$1\r\n3\r\n"
        assert_equal [r rawcmd eval {return {double=1/0}} 0] "\$3\r\ninf\r\n"
        assert_equal [r rawcmd eval {return {double='x'}} 0] "*0\r\n"
        assert_equal [r rawcmd eval {return {map={a=1}}} 0] "*2\r\n\$1\r\na\r\n:1\r\n"
        assert_equal [r rawcmd eval {return {set={a=false}}} 0] "*1\r\n\$1\r\na\r\n"
        assert_equal [r rawcmd eval {return {big_number='123'}} 0] "\$3\r\n123\r\n"
        assert_equal [r rawcmd eval {return {verbatim_string={format='txt', string='abc'}}} 0] "\$3\r\nabc\r\n"
    }

    test {RESP3 table forms returned to a RESP3 client, with Redis's precedence} {
        set c [redis_client]
        $c hello 3
        assert_equal [$c rawcmd eval {return {double=3.5}} 0] ",3.5\r\n"
        assert_equal [$c rawcmd eval {return {double=0.1}} 0] ",0.10000000000000001\r\n"
        assert_equal [$c rawcmd eval {return {double=-1/0}} 0] ",-inf\r\n"
        assert_equal [$c rawcmd eval {return {map={a=1}}} 0] "%1\r\n\$1\r\na\r\n:1\r\n"
        assert_equal [$c rawcmd eval {return {set={a=true}}} 0] "~1\r\n\$1\r\na\r\n"
        assert_equal [$c rawcmd eval {return {big_number='123'}} 0] "(123\r\n"
        assert_equal [$c rawcmd eval {return {big_number='a\r\nb'}} 0] "(a  b\r\n"
        assert_equal [$c rawcmd eval {return {verbatim_string={format='txt', string='abc'}}} 0] "=7\r\ntxt:abc\r\n"
        assert_equal [$c rawcmd eval {return {1,2,{map={x={set={y=1}}}}}} 0] \
            "*3\r\n:1\r\n:2\r\n%1\r\n\$1\r\nx\r\n~1\r\n\$1\r\ny\r\n"
        assert_equal [$c rawcmd eval {return true} 0] ":1\r\n"
        assert_equal [$c rawcmd eval {return false} 0] "_\r\n"
        assert_equal [$c rawcmd eval {redis.setresp(3); return true} 0] "#t\r\n"
        assert_equal [$c rawcmd eval {redis.setresp(3); return false} 0] "#f\r\n"
        assert_equal [$c rawcmd eval {return {ok='x', double=1}} 0] "+x\r\n"
        assert_equal [$c rawcmd eval {return {double=1, map={a=1}}} 0] ",1\r\n"
        assert_equal [$c rawcmd eval {return {big_number='1', double=2}} 0] ",2\r\n"
        assert_equal [$c rawcmd eval {return {big_number='1', map={a=1}}} 0] "(1\r\n"
        assert_equal [$c rawcmd eval {return {map={a=1}, verbatim_string={format='txt',string='x'}}} 0] "=5\r\ntxt:x\r\n"
        assert_equal [$c rawcmd eval {return {map={a=1}, set={b=1}}} 0] "%1\r\n\$1\r\na\r\n:1\r\n"
        $c close
    }

    test {A self-referencing table ends with "reached lua stack limit" and the server survives} {
        # Read by hand: the reply nests ~8000 arrays deep, too deep for the Tcl client.
        set c [redis_client]
        $c raw [::resp::encode [list eval {local t = {}; t[1] = t; return t} 0]]
        set fd [$c fd]
        set data ""
        set deadline [expr {[clock milliseconds] + 5000}]
        while {![string match "*\r\n-ERR reached lua stack limit\r\n" $data] &&
               [clock milliseconds] < $deadline} {
            append data [read $fd]
            after 5
        }
        $c close
        assert_match "\\*1\r\n\\*1\r\n*-ERR reached lua stack limit\r\n" $data
        assert_equal [regexp -all {\*1\r\n} $data] 7995
        assert_equal [r ping] PONG
    }

    test {cjson and bit come from the Debian libraries} {
        assert_equal [r eval {return cjson.encode({a=1})} 0] {{"a":1}}
        assert_equal [r eval {return cjson.decode('[1,2,{"x":"y"}]')[3].x} 0] y
        assert_equal [r eval {return {bit.band(7,3), bit.bor(1,2), bit.bxor(5,1), bit.lshift(1,4), bit.tohex(255)}} 0] {3 3 4 16 000000ff}
    }

    test {struct.pack, struct.unpack and struct.size} {
        assert_equal [r rawcmd eval {return {struct.pack('>I2', 258), struct.pack('<i4', -2), struct.pack('b', -1), struct.pack('Bc0', 3, 'abc'), struct.pack('s', 'hi'), struct.pack('d', 1.5), struct.pack('f', 1.5), struct.pack('!4 b i', 1, 2), struct.pack('>l', 1), struct.pack('x'), struct.pack('!2 b h b i', 1, 2, 3, 4), struct.pack('i3', 0x123456)}} 0] \
            "*12\r\n\$2\r\n\x01\x02\r\n\$4\r\n\xfe\xff\xff\xff\r\n\$1\r\n\xff\r\n\$4\r\n\x03abc\r\n\$3\r\nhi\x00\r\n\$8\r\n\x00\x00\x00\x00\x00\x00\xf8?\r\n\$4\r\n\x00\x00\xc0?\r\n\$8\r\n\x01\x00\x00\x00\x02\x00\x00\x00\r\n\$8\r\n\x00\x00\x00\x00\x00\x00\x00\x01\r\n\$1\r\n\x00\r\n\$10\r\n\x01\x00\x02\x00\x03\x00\x04\x00\x00\x00\r\n\$3\r\nV4\x12\r\n"
        assert_equal [r eval {return {struct.unpack('>I2', '\1\2')}} 0] {258 3}
        assert_equal [r eval {return {struct.unpack('<i4i4', struct.pack('<i4i4', -2, 7))}} 0] {-2 7 9}
        assert_equal [r eval {return {struct.unpack('s', 'hi\0rest')}} 0] {hi 4}
        assert_equal [r eval {return {struct.unpack('Bc0', '\3abcdef')}} 0] {abc 5}
        assert_equal [r eval {return {struct.unpack('b', 'ab', 2)}} 0] {98 3}
        assert_equal [r eval {return {struct.size('>I2i4d'), struct.size('!8 b d')}} 0] {14 16}
        foreach {b e} {
            {return struct.pack('q', 1)} {bad argument #1 to 'pack' (invalid format option 'q')}
            {return struct.pack('i')} {bad argument #2 to 'pack' (number expected, got nil)}
            {return struct.pack('c5', 'abc')} {bad argument #3 to 'pack' (string too short)}
            {return struct.pack('i33', 1)} {integral size 33 is larger than limit of 32}
            {return struct.pack('!3 i', 1)} {alignment 3 is not a power of 2}
            {return {struct.unpack('>I4', 'ab')}} {bad argument #2 to 'unpack' (data string too short)}
            {return {struct.unpack('c0', 'abc')}} {format 'c0' needs a previous size}
            {return {struct.unpack('s', 'abc')}} {unfinished string in data}
            {return struct.size('s')} {bad argument #1 to 'size' (option 's' has no fixed size)}
        } {
            assert_equal [r rawcmd eval $b 0] [script_error "ERR user_script:1: $e" $b]
        }
    }

    test {cmsgpack.pack picks the smallest encodings} {
        assert_equal [r rawcmd eval {return {cmsgpack.pack(nil), cmsgpack.pack(true,false), cmsgpack.pack(0,127,128,255,256,65535,65536,4294967295,4294967296), cmsgpack.pack(-1,-32,-33,-128,-129,-32768,-32769,-2147483648,-2147483649), cmsgpack.pack(1.5, 0.1, -0.0), cmsgpack.pack(string.rep('a',31), string.rep('b',32)), cmsgpack.pack({}, {1,2}, {a=1}, {1,nil,3})}} 0] \
            "*7\r\n\$1\r\n\xc0\r\n\$2\r\n\xc3\xc2\r\n\$31\r\n\x00\x7f\xcc\x80\xcc\xff\xcd\x01\x00\xcd\xff\xff\xce\x00\x01\x00\x00\xce\xff\xff\xff\xff\xcf\x00\x00\x00\x01\x00\x00\x00\x00\r\n\$31\r\n\xff\xe0\xd0\xdf\xd0\x80\xd1\xff\x7f\xd1\x80\x00\xd2\xff\xff\x7f\xff\xd2\x80\x00\x00\x00\xd3\xff\xff\xff\xff\x7f\xff\xff\xff\r\n\$15\r\n\xca?\xc0\x00\x00\xcb?\xb9\x99\x99\x99\x99\x99\x9a\x00\r\n\$66\r\n\xbf[string repeat a 31]\xd9 [string repeat b 32]\r\n\$13\r\n\x90\x92\x01\x02\x81\xa1a\x01\x82\x01\x01\x03\x03\r\n"
        assert_equal [r rawcmd eval {return cmsgpack.pack(string.rep('x',70000)):sub(1,5)} 0] "\$5\r\n\xdb\x00\x01\x11p\r\n"
        assert_equal [r rawcmd eval {local t={} for i=1,20 do t[i]=i end return cmsgpack.pack(t):sub(1,3)} 0] "\$3\r\n\xdc\x00\x14\r\n"
        # tables nested deeper than 16 pack as nil
        assert_equal [r rawcmd eval {local t={} local c=t for i=1,20 do c[1]={} c=c[1] end return cmsgpack.pack(t)} 0] \
            "\$17\r\n[string repeat \x91 16]\xc0\r\n"
        set b {return cmsgpack.pack()}
        assert_equal [r rawcmd eval $b 0] \
            [script_error "ERR user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.)" $b]
    }

    test {cmsgpack.unpack, unpack_one and unpack_limit} {
        assert_equal [r eval {return {cmsgpack.unpack(cmsgpack.pack(1,'a',{1,2},{a='b'}, true))}} 0] {1 a {1 2} {} 1}
        assert_equal [r eval {local a,b,c = cmsgpack.unpack(cmsgpack.pack(1.5, nil, false)); return {tostring(a), tostring(b), tostring(c)}} 0] {1.5 nil false}
        assert_equal [r eval {local t = cmsgpack.unpack(cmsgpack.pack({x={y={1,2,3}}})) return t.x.y[3]} 0] 3
        assert_equal [r eval {return {cmsgpack.unpack_one(cmsgpack.pack(7,8,9))}} 0] {1 7}
        assert_equal [r eval {return {cmsgpack.unpack_one(cmsgpack.pack(7,8,9), 2)}} 0] {-1 9}
        assert_equal [r eval {return {cmsgpack.unpack_limit(cmsgpack.pack(7,8,9), 2)}} 0] {2 7 8}
        assert_equal [r eval {return {cmsgpack.unpack_limit('\1\2\3', 0, 1)}} 0] {1}
        assert_equal [r eval {return {cmsgpack.unpack_limit('\1\2\3', 0)}} 0] {1 2 3}
        assert_equal [r eval {return {tostring(cmsgpack.unpack('\207\255\255\255\255\255\255\255\255'))}} 0] -1
        assert_equal [r eval {return {cmsgpack.unpack('\217\2hi\218\0\2hi\219\0\0\0\2hi')}} 0] {hi hi hi}
        foreach {b e} {
            {return {cmsgpack.unpack('\205\1')}} {Missing bytes in input.}
            {return {cmsgpack.unpack('\146\1')}} {Missing bytes in input.}
            {return {cmsgpack.unpack('\193')}} {Bad data format in input.}
            {return {cmsgpack.unpack('\196\2ab')}} {Bad data format in input.}
            {return {cmsgpack.unpack_one(cmsgpack.pack(1), 5)}} {Start offset 5 greater than input length 1.}
            {return {cmsgpack.unpack_one(cmsgpack.pack(1), -1)}} {Invalid request to unpack with offset of -1 and limit of 1.}
        } {
            assert_equal [r rawcmd eval $b 0] [script_error "ERR user_script:1: $e" $b]
        }
    }

    test {SELECT inside a script does not change the caller's database} {
        r select 9
        r set where nine
        assert_equal [r eval {redis.call('select', 0); return redis.call('get', 'where')} 0] {}
        assert_equal [r get where] nine
        r select 0
    }

    test {A script's writes count for WATCH; EVAL inside MULTI runs at EXEC} {
        r del w
        set c [redis_client]
        $c watch w
        r eval {redis.call('set','w','1')} 0
        $c multi
        $c get w
        assert_equal [$c exec] {}
        r multi
        r eval {return redis.call('incr','w')} 0
        assert_equal [r exec] 2
        $c close
    }

    test {Clients blocked on a key a script pushed to are served after the script} {
        r del q
        set rd [redis_deferring_client]
        $rd blpop q 5
        wait_for_condition 100 10 {[info_field [r info clients] blocked_clients] == 1}
        # the script pushes and pops in one go: the blocked client must see only what is left
        assert_equal [r eval {redis.call('rpush','q','a','b'); return redis.call('lpop','q')} 0] a
        assert_equal [$rd read] {q b}
        $rd close
    }

    test {Scripts that fail inside pcall, call unknown commands or allocate a lot leave no trace} {
        assert_equal [r eval {
            local n = 0
            for i = 1, 2000 do
                local ok = pcall(function() error({err='E'..i}) end)
                local t = redis.pcall('nosuchcmd', i)
                if not ok and t.err then n = n + 1 end
            end
            return n
        } 0] 2000
        assert_equal [r eval {local s = string.rep('x', 20*1024*1024); return #s} 0] 20971520
        assert_equal [r eval {local t = {} for i=1,100000 do t[i]=i end return #t} 0] 100000
        assert_equal [llength [r eval {local t = {} for i=1,50000 do t[i]=tostring(i) end return t} 0]] 50000
        assert_equal [llength [r eval {local t = {} for i=1,20000 do t[i]={i} end return t} 0]] 20000
        r eval {collectgarbage('collect') return 1} 0
        assert_lessthan [info_field [r info memory] used_memory_lua] 8000000
    }

    test {Errors from redis.call and redis.pcall are counted once, where they happen} {
        r set s x
        r config resetstat
        catch {r eval {return redis.call('nosuch')} 0}
        catch {r eval {return redis.pcall('incr','s')} 0}
        r eval {redis.pcall('incr','s') return 1} 0
        r eval {redis.pcall('nosuch') return 1} 0
        catch {r eval {return redis.call('incr','s')} 0}
        catch {r eval {local t = redis.pcall('incr','s') return {err=t.err}} 0}
        catch {r eval {return {err='FOO bar'}} 0}
        catch {r eval {error('x')} 0}
        catch {r eval {return {err='x'}} 0}
        catch {r eval {return {err='0123456789012345678901234567890 x'}} 0}
        assert_equal [info_field [r info stats] total_error_replies] 11
        set es [r info errorstats]
        assert_equal [info_field $es errorstat_ERR] count=10
        assert_equal [info_field $es errorstat_FOO] count=1
        assert_match "*cmdstat_eval:calls=10,*,rejected_calls=0,failed_calls=8*" [r info commandstats]
        assert_match "*cmdstat_incr:calls=4,*,rejected_calls=0,failed_calls=4*" [r info commandstats]
    }

    test {INFO memory reports the Lua VM and the cached scripts} {
        r script flush
        set info [r info memory]
        assert_equal [info_field $info number_of_cached_scripts] 0
        assert_morethan [info_field $info used_memory_lua] 0
        r script load {return 'a'}
        r eval {return 'b'} 0
        set info [r info memory]
        assert_equal [info_field $info number_of_cached_scripts] 2
        assert_morethan [info_field $info used_memory_scripts_eval] 0
    }
}

with_server {tags {scripting}} {
    test {A busy script gets BUSY for others, SCRIPT KILL stops it, the caller gets the kill error} {
        r config set busy-reply-threshold 100
        set body {local i = 0 while true do i = i + 1 end}
        set s [sha $body]
        set rd [redis_deferring_client]
        $rd eval $body 0
        wait_for_condition 200 10 {[catch {r ping} e] && [string match BUSY* $e]}
        assert_equal [r rawcmd get a] \
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"
        assert_equal [r rawcmd shutdown] \
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"
        assert_equal [r script kill] OK
        assert_equal [$rd read_raw_reply] \
            "-ERR Script killed by user with SCRIPT KILL... script: $s, on @user_script:1.\r\n"
        assert_equal [r ping] PONG
        assert_equal [r rawcmd script kill] "-NOTBUSY No scripts in execution right now.\r\n"
        $rd close
    }

    test {A script that cannot be killed by SCRIPT KILL stops with a pcall loop too} {
        set body {while true do pcall(function() while true do end end) end}
        set rd [redis_deferring_client]
        $rd eval $body 0
        wait_for_condition 200 10 {[catch {r ping} e] && [string match BUSY* $e]}
        assert_equal [r script kill] OK
        assert_match "ERR Script killed by user with SCRIPT KILL...*" [catch {$rd read} e; set e]
        assert_equal [r ping] PONG
        $rd close
    }
}

with_server {tags {scripting}} {
    test {A busy script that wrote is UNKILLABLE; SHUTDOWN NOSAVE still stops the server} {
        r config set busy-reply-threshold 100
        set rd [redis_deferring_client]
        $rd eval {redis.call('set','x','y') while true do end} 0
        wait_for_condition 200 10 {[catch {r ping} e] && [string match BUSY* $e]}
        assert_equal [r rawcmd script kill] "-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n"
        server_may_exit
        catch {r shutdown nosave}
        wait_for_condition 200 10 {![server_alive]}
        $rd close
    }
}

with_server {tags {scripting}} {
    test {MONITOR shows EVAL and EVALSHA before the commands the script runs, failed calls too} {
        set m [redis_client]
        assert_equal [$m rawcmd monitor] "+OK\r\n"
        r eval {redis.call('incr','mon:k') return 1} 0
        catch {r evalsha 0000000000000000000000000000000000000000 0}
        r set mon:end 1
        set lines {}
        while {1} {
            set line [$m read]
            lappend lines [string range $line [string first "\"" $line] end]
            if {[string match {*"mon:end"*} $line]} { break }
        }
        assert_equal $lines [list \
            {"eval" "redis.call('incr','mon:k') return 1" "0"} \
            {"incr" "mon:k"} \
            {"evalsha" "0000000000000000000000000000000000000000" "0"} \
            {"set" "mon:end" "1"}]
        $m close
    }
}
