#!/bin/sh
bitcoin-cli createwallet cold true
# one-off import, remove after use
bitcoin-cli -rpcwallet=cold importprivkey 5KAooGEykGrPL74s6oLbf3XrcYgjUPCQ7ohVjp1q1pQxxkYGQWm "cold" false
bitcoin-cli -rpcwallet=cold getaddressinfo bc1qf6d6dd485hmr3axl7pdgatpv8wmvjeqf6hujpl
