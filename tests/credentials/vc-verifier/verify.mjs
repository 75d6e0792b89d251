// Verifies credentials with Digital Bazaar's libraries, as a verifier outside the hub would:
//   node verify.mjs <hub URL> <credential.json>...
// prints one JSON line: [{verified, error, status: {purpose: bit}}] per credential.
// Contexts come from the libraries' own copies (W3C VC 2.0, Multikey); the hub's label context, its DID
// document and its status lists are fetched from the hub under test (did:web is mapped to its loopback URL);
// any other URL is refused, so nothing outside the test is reached.
import {readFile} from 'node:fs/promises';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialContexts} from '@digitalbazaar/credentials-context';
import multikeyContext from '@digitalbazaar/multikey-context';

const [hub, ...files] = process.argv.slice(2);
const did = 'did:web:' + encodeURIComponent(new URL(hub).host);
const HUB_CONTEXTS = 'https://w3id.org/cfhub/contexts/';

const fixed = new Map([...credentialContexts, ...multikeyContext.contexts]);

async function get(url) {
  const response = await fetch(url);
  if(!response.ok) {
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  return response.json();
}

async function documentLoader(url) {
  let document;
  if(fixed.has(url)) {
    document = fixed.get(url);
  } else if(url.startsWith(HUB_CONTEXTS)) {
    document = await get(`${hub}/contexts/${url.slice(HUB_CONTEXTS.length)}`);
  } else if(url === did || url.startsWith(did + '#')) {
    const didDocument = await get(`${hub}/.well-known/did.json`);
    document = didDocument;
    if(url.includes('#')) {
      const method = didDocument.verificationMethod.find(m => m.id === url);
      if(!method) {
        throw new Error(`${url} is not in the DID document`);
      }
      document = {'@context': multikeyContext.CONTEXT_URL, ...method};
    }
  } else if(url.startsWith(hub + '/status/')) {
    document = await get(url);
  } else {
    throw new Error(`refusing to load ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

const suite = new DataIntegrityProof({cryptosuite});
const results = [];
for(const file of files) {
  const credential = JSON.parse(await readFile(file, 'utf8'));
  const out = {verified: false, error: null, status: {}};
  try {
    const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
    out.verified = result.verified;
    const errors = [result.error, ...(result.results || []).map(r => r.error)].filter(Boolean);
    out.error = errors.map(e => e.message || String(e)).join('; ') || null;
    const status = await checkStatus({credential, documentLoader, suite});
    if(!status.verified) {
      out.error = (out.error ? out.error + '; ' : '') + `status: ${status.error && status.error.message}`;
    }
    for(const {credentialStatus, status: bit} of status.results || []) {
      out.status[credentialStatus.statusPurpose] = bit;
    }
  } catch(error) {
    out.error = error.message;
  }
  results.push(out);
}
process.stdout.write(JSON.stringify(results) + '\n');
