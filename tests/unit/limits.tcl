# tests/unit/limits.tcl: what keeps one client from hurting the server or the others:
# output and query buffer limits, maxclients, idle timeout, pre-auth protocol limits, slow
# readers, batching of writes; plus process behaviour (SIGTERM, log format, --version).

# Reads n replies from deferring client c; returns how many arrived.
proc read_n_replies {c n} {
    for {set i 0} {$i < $n} {incr i} {
        if {[catch {$c read_raw_reply}]} { return $i }
    }
    return $n
}

with_server {tags {limits}} {
    test {1000 pipelined PINGs in one write are answered in a handful of writes} {
        set c [redis_deferring_client]
        set before [info_field [r info stats] total_writes_processed]
        $c raw [string repeat "*1\r\n\$4\r\nPING\r\n" 1000]
        assert_equal [read_n_replies $c 1000] 1000
        set after [info_field [r info stats] total_writes_processed]
        # the INFO replies to r are writes too; one write per command would be over 1000
        assert_lessthan [expr {$after - $before}] 20
        $c close
    }

    test {a client past the output-buffer hard limit is closed and the event is logged} {
        r config set client-output-buffer-limit "normal 100kb 0 0"
        r set big [string repeat x 50000]
        set c [redis_deferring_client]
        # the server may close the socket while the tail of this write is still going out
        # (the first GETs already pass the limit): a broken pipe here is that close
        catch {$c raw [string repeat "*2\r\n\$3\r\nGET\r\n\$3\r\nbig\r\n" 400]}
        assert_equal [$c wait_closed 5000] 1
        wait_for_condition 50 100 {
            [string match "*closed ASAP for overcoming of output buffer limits*" \
                 [::kvd::log_tail [srv log] 200]]
        } "the log names the output buffer limit"
        assert_equal [r ping] PONG
        r config set client-output-buffer-limit "normal 0 0 0"
    }

    test {a client over the soft output-buffer limit for longer than its seconds is closed} {
        r config set client-output-buffer-limit "normal 0 100kb 1"
        r set big [string repeat x 50000]
        set c [redis_deferring_client]
        $c raw [string repeat "*2\r\n\$3\r\nGET\r\n\$3\r\nbig\r\n" 400]
        # Redis compares whole seconds (elapsed > soft seconds), so wait past 2 s
        after 2500
        # more output after the grace period: the limit is checked as replies are added
        catch {$c raw [string repeat "*2\r\n\$3\r\nGET\r\n\$3\r\nbig\r\n" 10]}
        assert_equal [$c wait_closed 5000] 1
        assert_equal [r ping] PONG
        r config set client-output-buffer-limit "normal 0 0 0"
    }

    test {without limits a slow reader gets everything and does not stall other clients} {
        r set huge [string repeat y 4000000]
        set c [redis_deferring_client]
        $c raw [string repeat "*2\r\n\$3\r\nGET\r\n\$4\r\nhuge\r\n" 5]
        after 200
        assert_equal [r ping] PONG
        for {set i 0} {$i < 5} {incr i} {
            assert_equal [string length [$c read]] 4000000
        }
        $c close
    }

    test {a query buffer over client-query-buffer-limit closes the client} {
        r config set client-query-buffer-limit 1mb
        set c [redis_deferring_client]
        catch {
            $c raw "*2\r\n\$3\r\nGET\r\n\$3000000\r\n"
            for {set i 0} {$i < 20} {incr i} { $c raw [string repeat z 100000] }
        }
        assert_equal [$c wait_closed 5000] 1
        assert_equal [r ping] PONG
        r config set client-query-buffer-limit 1gb
    }
}

with_server {tags {limits} overrides {maxclients 3}} {
    test {past maxclients a new connection gets the error and is closed} {
        set a [redis_client]
        set b [redis_deferring_client]
        $b raw "*1\r\n\$4\r\nPING\r\n"
        assert_equal [$b read_raw_reply] "+PONG\r\n"
        # r, a and b hold the three slots
        set d [redis_deferring_client]
        assert_equal [$d read_raw_reply] "-ERR max number of clients reached\r\n"
        assert_equal [$d wait_closed 2000] 1
        $a close
        $b close
    }
}

with_server {tags {limits} overrides {timeout 1}} {
    test {an idle client is closed after timeout seconds} {
        set c [redis_deferring_client]
        $c raw "*1\r\n\$4\r\nPING\r\n"
        assert_equal [$c read_raw_reply] "+PONG\r\n"
        assert_equal [$c wait_closed 6000] 1
    }
}

with_server {tags {limits} overrides {requirepass secret}} {
    test {before AUTH a multibulk of more than 10 arguments is refused} {
        set c [redis_deferring_client]
        $c raw "*11\r\n"
        assert_equal [$c read_raw_reply] "-ERR Protocol error: unauthenticated multibulk length\r\n"
        assert_equal [$c wait_closed 2000] 1
    }

    test {before AUTH a bulk longer than 16384 bytes is refused} {
        set c [redis_deferring_client]
        $c raw "*2\r\n\$20000\r\n"
        assert_equal [$c read_raw_reply] "-ERR Protocol error: unauthenticated bulk length\r\n"
        assert_equal [$c wait_closed 2000] 1
    }

    test {after AUTH the usual limits apply} {
        set c [redis_deferring_client]
        $c auth secret
        assert_equal [$c read] OK
        $c raw "*2\r\n\$4\r\nECHO\r\n\$20000\r\n[string repeat e 20000]\r\n"
        assert_equal [string length [$c read]] 20000
        $c close
    }
}

# ---- the process -----------------------------------------------------------------------

test {SIGTERM shuts the server down cleanly and the log looks like Redis's} {
    set s [::kvd::start]
    set pid [dict get $s pid]
    exec kill -TERM $pid
    set deadline [expr {[clock milliseconds] + 5000}]
    while {[::kvd::pid_alive $pid] && [clock milliseconds] < $deadline} { after 20 }
    assert_equal [::kvd::pid_alive $pid] 0
    catch {exec true}
    set log [::kvd::log_tail [dict get $s log] 100]
    assert_match "*Received SIGTERM scheduling shutdown*" $log
    assert_match "*ready to exit, bye bye*" $log
    # pid:role day month year time.ms level-char message
    foreach line [split $log \n] {
        if {$line eq "" || ![regexp {^[0-9]+:[MCSX] } $line]} { continue }
        assert_regexp {^[0-9]+:[MCSX] [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} [.*#-] } $line
    }
    ::kvd::check_sanitizer_log $s
}

test {--version prints a version line and exits 0} {
    set out [exec [::kvd::binary_path] --version]
    assert_match "* v=*" $out
}
