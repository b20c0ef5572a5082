import BIP32Factory from 'bip32';
import * as ecc from 'tiny-secp256k1';

const bip32 = BIP32Factory(ecc);
const root = bip32.fromBase58('tprv8ZgxMBicQKsPdeCRSJ52kw2HdPTLr2A32gLzvDVtxRbAHWAe6sxsyp8pmh2YNVBsbmq9A29bBPfvx1w4Ynv4QDJqCAPLHbtURHRq9ydNGoz', TESTNET);
export const child = root.derivePath("m/84'/1'/0'/0/0");
