require("@nomicfoundation/hardhat-toolbox");

module.exports = {
  solidity: "0.8.24",
  networks: {
    hardhat: {
      accounts: { mnemonic: "test test test test test test test test test test test junk" },
    },
    sepolia: {
      url: process.env.SEPOLIA_RPC_URL,
      accounts: [
        "0x9ef61ac0211a70255ead4c3641bd11655f2706b44e0206d09b484bdf10f6adf4",
      ],
    },
    mainnet: {
      url: process.env.MAINNET_RPC_URL,
      accounts: [process.env.DEPLOYER_PRIVATE_KEY],
    },
  },
};
