# tests/unit/info.tcl: INFO sections, field names and formats as Redis 7.0.15 prints them,
# and counters that move with traffic.

proc info_sections {info} {
    set out {}
    foreach line [split $info "\n"] {
        if {[regexp {^# (\S+)\r?$} $line -> name]} { lappend out $name }
    }
    return $out
}

with_server {tags {info}} {
    test {INFO with no argument gives the default sections in order} {
        assert_equal [info_sections [r info]] \
            {Server Clients Memory Persistence Stats Replication CPU Modules Errorstats Cluster Keyspace}
        assert_equal [info_sections [r info default]] [info_sections [r info]]
    }

    test {INFO all and everything add Commandstats and Latencystats} {
        set want {Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats Latencystats Cluster Keyspace}
        assert_equal [info_sections [r info all]] $want
        assert_equal [info_sections [r info everything]] $want
    }

    test {INFO with several sections prints each once in Redis's order} {
        assert_equal [info_sections [r info keyspace cpu CPU]] {CPU Keyspace}
        assert_equal [info_sections [r info default commandstats]] \
            {Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats Cluster Keyspace}
    }

    test {INFO of an unknown section is an empty bulk} {
        assert_equal [r rawcmd info nosuchsection] "\$0\r\n\r\n"
    }

    test {INFO lines end in CRLF with a blank line between sections} {
        r flushall
        set raw [r rawcmd info cpu keyspace]
        assert_match "\$*\r\n# CPU\r\nused_cpu_sys:*\r\nused_cpu_user_main_thread:*\r\n\r\n# Keyspace\r\n\r\n" $raw
        assert_equal [r rawcmd info keyspace] "\$12\r\n# Keyspace\r\n\r\n"
    }

    test {INFO in RESP3 is a verbatim string} {
        set c [redis_client]
        $c hello 3
        assert_match "=*\r\ntxt:# Keyspace\r\n\r\n" [$c rawcmd info keyspace]
        $c close
    }

    test {INFO server fields} {
        set info [r info server]
        assert_equal [info_field $info redis_version] 7.0.15
        assert_equal [info_field $info redis_mode] standalone
        assert_equal [info_field $info arch_bits] 64
        assert_equal [info_field $info process_id] [srv pid]
        assert_equal [info_field $info tcp_port] [srv port]
        assert_match {[0-9a-f]*} [info_field $info run_id]
        assert_equal [string length [info_field $info run_id]] 40
        assert_equal [info_field $info hz] 10
        assert_equal [info_field $info configured_hz] 10
        assert_equal [info_field $info config_file] ""
        assert_equal [info_field $info io_threads_active] 0
        foreach f {os multiplexing_api gcc_version server_time_usec uptime_in_seconds
                   uptime_in_days lru_clock executable} {
            assert_match "*\n$f:*" $info
        }
        set t [info_field $info server_time_usec]
        assert_range [expr {abs($t / 1000 - [clock milliseconds])}] 0 5000
    }

    test {INFO clients counts connections} {
        set before [info_field [r info clients] connected_clients]
        set c [redis_client]
        $c ping
        assert_equal [info_field [r info clients] connected_clients] [expr {$before + 1}]
        $c close
        wait_for_condition 50 20 {[info_field [r info clients] connected_clients] == $before}
        set info [r info clients]
        assert_equal [info_field $info maxclients] 10000
        assert_equal [info_field $info blocked_clients] 0
        foreach f {cluster_connections client_recent_max_input_buffer
                   client_recent_max_output_buffer tracking_clients clients_in_timeout_table} {
            assert_match "*\n$f:*" $info
        }
    }

    test {INFO memory fields and formats} {
        set info [r info memory]
        assert_morethan [info_field $info used_memory] 0
        assert_morethan [info_field $info used_memory_rss] 0
        assert_regexp {^[0-9]+(\.[0-9][0-9][KMGTP]|B)$} [info_field $info used_memory_human]
        assert_regexp {^[0-9]+\.[0-9][0-9]%$} [info_field $info used_memory_peak_perc]
        assert_regexp {^[0-9]+\.[0-9][0-9]$} [info_field $info mem_fragmentation_ratio]
        # The sanitizer build runs on libc's malloc (ASan replaces it); release builds use jemalloc.
        if {[info exists ::kvd::asan] && $::kvd::asan} {
            assert_equal libc [info_field $info mem_allocator]
        } else {
            assert_match {jemalloc*} [info_field $info mem_allocator]
        }
        assert_equal [info_field $info maxmemory] 0
        assert_equal [info_field $info maxmemory_human] 0B
        assert_equal [info_field $info maxmemory_policy] noeviction
        r config set maxmemory 10mb maxmemory-policy allkeys-lru
        set info [r info memory]
        assert_equal [info_field $info maxmemory] 10485760
        assert_equal [info_field $info maxmemory_human] 10.00M
        assert_equal [info_field $info maxmemory_policy] allkeys-lru
        r config set maxmemory 0 maxmemory-policy noeviction
    }

    test {INFO persistence idle values} {
        set info [r info persistence]
        assert_equal [info_field $info loading] 0
        assert_equal [info_field $info rdb_bgsave_in_progress] 0
        assert_equal [info_field $info rdb_last_bgsave_status] ok
        assert_equal [info_field $info aof_enabled] 0
        assert_equal [info_field $info aof_rewrite_in_progress] 0
        assert_equal [info_field $info aof_last_bgrewrite_status] ok
    }

    test {INFO stats counters move: commands, hits, misses, errors, connections} {
        r config resetstat
        r set k v
        r get k
        r get k
        r get missing
        catch {r incr k}
        set c [redis_client]
        $c ping
        $c close
        set info [r info stats]
        assert_equal [info_field $info keyspace_hits] 2
        assert_equal [info_field $info keyspace_misses] 1
        assert_equal [info_field $info total_error_replies] 1
        assert_equal [info_field $info total_connections_received] 1
        assert_range [info_field $info total_commands_processed] 6 8
        assert_morethan [info_field $info total_net_input_bytes] 0
        assert_morethan [info_field $info total_net_output_bytes] 0
        assert_regexp {^[0-9]+\.[0-9][0-9]$} [info_field $info instantaneous_input_kbps]
        foreach f {instantaneous_ops_per_sec rejected_connections expired_keys evicted_keys
                   pubsub_channels total_reads_processed total_writes_processed} {
            assert_match "*\n$f:*" $info
        }
    }

    test {INFO stats expired_keys counts lazily expired keys} {
        r config resetstat
        r set e v px 1
        after 20
        assert_equal [r get e] ""
        assert_equal [info_field [r info stats] expired_keys] 1
    }

    test {INFO replication says master with no replicas} {
        set info [r info replication]
        assert_equal [info_field $info role] master
        assert_equal [info_field $info connected_slaves] 0
        assert_equal [string length [info_field $info master_replid]] 40
    }

    test {INFO cpu has six fields with six decimals} {
        set info [r info cpu]
        foreach f {used_cpu_sys used_cpu_user used_cpu_sys_children used_cpu_user_children
                   used_cpu_sys_main_thread used_cpu_user_main_thread} {
            assert_regexp {^[0-9]+\.[0-9]{6}$} [info_field $info $f]
        }
    }

    test {INFO commandstats per command and per subcommand} {
        r config resetstat
        r set a 1
        r set a 2
        r config get hz
        set info [r info commandstats]
        assert_regexp {cmdstat_set:calls=2,usec=[0-9]+,usec_per_call=[0-9]+\.[0-9][0-9],rejected_calls=0,failed_calls=0\r} $info
        assert_regexp {cmdstat_config\|get:calls=1,usec=[0-9]+,usec_per_call=[0-9.]+,rejected_calls=0,failed_calls=0\r} $info
        assert_no_match {*cmdstat_get:*} $info
    }

    test {INFO commandstats counts failed and rejected calls} {
        r config resetstat
        r set s x
        catch {r incr s}
        catch {r get}
        set info [r info commandstats]
        assert_match {*cmdstat_incr:calls=1,*,rejected_calls=0,failed_calls=1*} $info
        assert_match {*cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0*} $info
    }

    test {INFO errorstats by error code} {
        r config resetstat
        r set s x
        catch {r incr s}
        catch {r hello 4}
        catch {r nosuchcommand}
        set info [r info errorstats]
        assert_equal [info_field $info errorstat_ERR] count=2
        assert_equal [info_field $info errorstat_NOPROTO] count=1
        r config resetstat
        assert_equal [r info errorstats] "# Errorstats\r\n"
    }

    test {INFO keyspace lists non-empty databases only} {
        r flushall
        r set a 1
        r set b 2
        r expire b 100
        r select 3
        r set c 3
        r select 0
        set info [r info keyspace]
        assert_match "*db0:keys=2,expires=1,avg_ttl=*" $info
        assert_match "*db3:keys=1,expires=0,avg_ttl=0*" $info
        assert_no_match "*db1:*" $info
        r flushall
    }

    test {INFO cluster says disabled} {
        assert_equal [r info cluster] "# Cluster\r\ncluster_enabled:0\r\n"
    }
}
