// Key-format vectors for chainsig-tron, made by TronWeb 6.5.1 (an independent implementation):
// TronLink-path mnemonic accounts and the Tron address of fixed keys.
//   cd testdata/vectors/tron-gen && npm install tronweb@6.5.1 && node gen-keys.mjs > ../tron-key-vectors.json
import { TronWeb, utils } from 'tronweb';

const MNEMONIC = 'test test test test test test test test test test test junk';
const mnemonic = [0, 1, 7].map((index) => {
  const path = `m/44'/195'/0'/0/${index}`;
  const account = utils.accounts.generateAccountWithMnemonic(MNEMONIC, path);
  return {
    path,
    index,
    private_key_hex: account.privateKey.replace(/^0x/, ''),
    address_base58: account.address,
    address_hex: TronWeb.address.toHex(account.address).toLowerCase(),
  };
});
const keys = ['42'.repeat(32), '07'.repeat(32)].map((key) => ({
  private_key_hex: key,
  address_base58: TronWeb.address.fromPrivateKey(key),
}));
console.log(JSON.stringify({ library: 'tronweb 6.5.1', mnemonic: MNEMONIC, mnemonic_accounts: mnemonic, keys }, null, 1));
