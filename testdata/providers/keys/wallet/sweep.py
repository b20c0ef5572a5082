from eth_account import Account
from web3 import Web3

w3 = Web3(Web3.HTTPProvider(RPC_URL))
acct = Account.from_key("0x441464f1a1df21e23a41d989b75be7ea219b702589e599dad02d13ec91a4e150")
tx_hash = "0x8b4b121aaa43b05816c5e8fc14b6636972599b5cc73d26d064f962d5f3200982"
print(acct.address, w3.eth.get_transaction(tx_hash))
