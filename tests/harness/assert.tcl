# tests/harness/assert.tcl: assertions for the Tcl suites.
#
# Every failing assertion raises a Tcl error with errorCode ASSERT; the message
# says what was expected, what came back, and the last command sent / reply
# read by any client (run.tcl prints it with the test name).

proc ::kvd::fail {msg} {
    set ctx "\n      last command sent: $::resp::last_sent\n      last reply read:   $::resp::last_reply"
    return -code error -level 2 -errorcode ASSERT "$msg$ctx"
}

proc ::kvd::show {v} {
    return "'[::resp::printable $v]'"
}

# assert_equal VALUE EXPECTED ?DETAIL?
proc assert_equal {value expected {detail ""}} {
    if {$value ne $expected} {
        ::kvd::fail "expected [::kvd::show $expected], got [::kvd::show $value] $detail"
    }
}

proc assert_not_equal {value unexpected {detail ""}} {
    if {$value eq $unexpected} {
        ::kvd::fail "expected something other than [::kvd::show $unexpected] $detail"
    }
}

# assert_match GLOB VALUE
proc assert_match {pattern value {detail ""}} {
    if {![string match $pattern $value]} {
        ::kvd::fail "expected [::kvd::show $value] to match [::kvd::show $pattern] $detail"
    }
}

proc assert_no_match {pattern value} {
    if {[string match $pattern $value]} {
        ::kvd::fail "expected [::kvd::show $value] not to match [::kvd::show $pattern]"
    }
}

proc assert_regexp {re value} {
    if {![regexp -- $re $value]} {
        ::kvd::fail "expected [::kvd::show $value] to match regexp [::kvd::show $re]"
    }
}

# assert_error GLOB SCRIPT: SCRIPT (run in the caller) must raise an error
# whose message matches GLOB.
proc assert_error {pattern script} {
    if {[catch {uplevel 1 $script} err]} {
        if {![string match $pattern $err]} {
            ::kvd::fail "expected error matching [::kvd::show $pattern], got error [::kvd::show $err]"
        }
    } else {
        ::kvd::fail "expected error matching [::kvd::show $pattern], got reply [::kvd::show $err]"
    }
}

proc assert {cond {detail ""}} {
    if {![uplevel 1 [list expr $cond]]} {
        ::kvd::fail "assertion failed: $cond $detail"
    }
}

proc assert_range {value min max} {
    if {![string is double -strict $value] || $value < $min || $value > $max} {
        ::kvd::fail "expected [::kvd::show $value] to be in range \[$min, $max\]"
    }
}

proc assert_morethan {value min} {
    if {![string is double -strict $value] || $value <= $min} {
        ::kvd::fail "expected [::kvd::show $value] > $min"
    }
}

proc assert_lessthan {value max} {
    if {![string is double -strict $value] || $value >= $max} {
        ::kvd::fail "expected [::kvd::show $value] < $max"
    }
}

proc assert_encoding {enc key} {
    set got [r object encoding $key]
    if {$got ne $enc} {
        ::kvd::fail "expected encoding '$enc' for key '$key', got '$got'"
    }
}

proc assert_type {type key} {
    assert_equal [r type $key] $type
}

# wait_for_condition RETRIES DELAY_MS COND ?MESSAGE?: evaluates the expression
# COND in the caller up to RETRIES times, DELAY_MS apart; fails if never true.
proc wait_for_condition {retries delay_ms cond {msg ""}} {
    for {set i 0} {$i < $retries} {incr i} {
        if {[uplevel 1 [list expr $cond]]} { return }
        after $delay_ms
    }
    if {$msg eq ""} { set msg "condition never became true: $cond" }
    ::kvd::fail "$msg (after $retries tries, ${delay_ms}ms apart)"
}

# Returns the value of FIELD in an INFO reply (or "" if absent).
proc info_field {info field} {
    foreach line [split $info "\r\n"] {
        if {[string match "$field:*" $line]} {
            return [string range $line [expr {[string length $field] + 1}] end]
        }
    }
    return ""
}

# Flat list (from a RESP map or k1 v1 k2 v2 array) to a dict lookup.
proc map_get {flat key} {
    foreach {k v} $flat { if {$k eq $key} { return $v } }
    error "key '$key' not in map"
}
