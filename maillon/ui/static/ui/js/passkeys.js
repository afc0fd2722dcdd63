/* allauth 65.21.1's passkey scripts in one file (issue 14: one request instead of three on the
   login page), unchanged, joined by « ; »: mfa/js/webauthn-json.js, mfa/js/webauthn.js, account/js/onload.js.
   Made by `.venv/bin/python maillon/ui/tests/test_first_load.py`; its test fails when allauth changes them. */
// https://github.com/github/webauthn-json
'use strict';
(() => {
  const __defProp = Object.defineProperty
  const __export = (target, all) => {
    for (const name in all) { __defProp(target, name, { get: all[name], enumerable: true }) }
  }
  const __async = (__this, __arguments, generator) => {
    return new Promise((resolve, reject) => {
      const fulfilled = (value) => {
        try {
          step(generator.next(value))
        } catch (e) {
          reject(e)
        }
      }
      const rejected = (value) => {
        try {
          step(generator.throw(value))
        } catch (e) {
          reject(e)
        }
      }
      var step = (x) => x.done ? resolve(x.value) : Promise.resolve(x.value).then(fulfilled, rejected)
      step((generator = generator.apply(__this, __arguments)).next())
    })
  }

  // src/webauthn-json/index.ts
  const webauthn_json_exports = {}
  __export(webauthn_json_exports, {
    create: () => create,
    get: () => get,
    schema: () => schema,
    supported: () => supported
  })

  // src/webauthn-json/base64url.ts
  function base64urlToBuffer (baseurl64String) {
    const padding = '=='.slice(0, (4 - baseurl64String.length % 4) % 4)
    const base64String = baseurl64String.replace(/-/g, '+').replace(/_/g, '/') + padding
    const str = atob(base64String)
    const buffer = new ArrayBuffer(str.length)
    const byteView = new Uint8Array(buffer)
    for (let i = 0; i < str.length; i++) {
      byteView[i] = str.charCodeAt(i)
    }
    return buffer
  }
  function bufferToBase64url (buffer) {
    const byteView = new Uint8Array(buffer)
    let str = ''
    for (const charCode of byteView) {
      str += String.fromCharCode(charCode)
    }
    const base64String = btoa(str)
    const base64urlString = base64String.replace(/\+/g, '-').replace(
      /\//g,
      '_'
    ).replace(/=/g, '')
    return base64urlString
  }

  // src/webauthn-json/convert.ts
  const copyValue = 'copy'
  const convertValue = 'convert'
  function convert (conversionFn, schema2, input) {
    if (schema2 === copyValue) {
      return input
    }
    if (schema2 === convertValue) {
      return conversionFn(input)
    }
    if (schema2 instanceof Array) {
      return input.map((v) => convert(conversionFn, schema2[0], v))
    }
    if (schema2 instanceof Object) {
      const output = {}
      for (const [key, schemaField] of Object.entries(schema2)) {
        if (schemaField.derive) {
          const v = schemaField.derive(input)
          if (v !== void 0) {
            input[key] = v
          }
        }
        if (!(key in input)) {
          if (schemaField.required) {
            throw new Error(`Missing key: ${key}`)
          }
          continue
        }
        if (input[key] == null) {
          output[key] = null
          continue
        }
        output[key] = convert(
          conversionFn,
          schemaField.schema,
          input[key]
        )
      }
      return output
    }
  }
  function derived (schema2, derive) {
    return {
      required: true,
      schema: schema2,
      derive
    }
  }
  function required (schema2) {
    return {
      required: true,
      schema: schema2
    }
  }
  function optional (schema2) {
    return {
      required: false,
      schema: schema2
    }
  }

  // src/webauthn-json/basic/schema.ts
  const publicKeyCredentialDescriptorSchema = {
    type: required(copyValue),
    id: required(convertValue),
    transports: optional(copyValue)
  }
  const simplifiedExtensionsSchema = {
    appid: optional(copyValue),
    appidExclude: optional(copyValue),
    credProps: optional(copyValue)
  }
  const simplifiedClientExtensionResultsSchema = {
    appid: optional(copyValue),
    appidExclude: optional(copyValue),
    credProps: optional(copyValue)
  }
  const credentialCreationOptions = {
    publicKey: required({
      rp: required(copyValue),
      user: required({
        id: required(convertValue),
        name: required(copyValue),
        displayName: required(copyValue)
      }),
      challenge: required(convertValue),
      pubKeyCredParams: required(copyValue),
      timeout: optional(copyValue),
      excludeCredentials: optional([publicKeyCredentialDescriptorSchema]),
      authenticatorSelection: optional(copyValue),
      attestation: optional(copyValue),
      extensions: optional(simplifiedExtensionsSchema)
    }),
    signal: optional(copyValue)
  }
  const publicKeyCredentialWithAttestation = {
    type: required(copyValue),
    id: required(copyValue),
    rawId: required(convertValue),
    authenticatorAttachment: optional(copyValue),
    response: required({
      clientDataJSON: required(convertValue),
      attestationObject: required(convertValue),
      transports: derived(
        copyValue,
        (response) => {
          let _a
          return ((_a = response.getTransports) == null ? void 0 : _a.call(response)) || []
        }
      )
    }),
    clientExtensionResults: derived(
      simplifiedClientExtensionResultsSchema,
      (pkc) => pkc.getClientExtensionResults()
    )
  }
  const credentialRequestOptions = {
    mediation: optional(copyValue),
    publicKey: required({
      challenge: required(convertValue),
      timeout: optional(copyValue),
      rpId: optional(copyValue),
      allowCredentials: optional([publicKeyCredentialDescriptorSchema]),
      userVerification: optional(copyValue),
      extensions: optional(simplifiedExtensionsSchema)
    }),
    signal: optional(copyValue)
  }
  const publicKeyCredentialWithAssertion = {
    type: required(copyValue),
    id: required(copyValue),
    rawId: required(convertValue),
    authenticatorAttachment: optional(copyValue),
    response: required({
      clientDataJSON: required(convertValue),
      authenticatorData: required(convertValue),
      signature: required(convertValue),
      userHandle: required(convertValue)
    }),
    clientExtensionResults: derived(
      simplifiedClientExtensionResultsSchema,
      (pkc) => pkc.getClientExtensionResults()
    )
  }
  var schema = {
    credentialCreationOptions,
    publicKeyCredentialWithAttestation,
    credentialRequestOptions,
    publicKeyCredentialWithAssertion
  }

  // src/webauthn-json/basic/api.ts
  function createRequestFromJSON (requestJSON) {
    return convert(base64urlToBuffer, credentialCreationOptions, requestJSON)
  }
  function createResponseToJSON (credential) {
    return convert(
      bufferToBase64url,
      publicKeyCredentialWithAttestation,
      credential
    )
  }
  function create (requestJSON) {
    return __async(this, null, function * () {
      const credential = yield navigator.credentials.create(
        createRequestFromJSON(requestJSON)
      )
      return createResponseToJSON(credential)
    })
  }
  function getRequestFromJSON (requestJSON) {
    return convert(base64urlToBuffer, credentialRequestOptions, requestJSON)
  }
  function getResponseToJSON (credential) {
    return convert(
      bufferToBase64url,
      publicKeyCredentialWithAssertion,
      credential
    )
  }
  function get (requestJSON) {
    return __async(this, null, function * () {
      const credential = yield navigator.credentials.get(
        getRequestFromJSON(requestJSON)
      )
      return getResponseToJSON(credential)
    })
  }

  // src/webauthn-json/basic/supported.ts
  function supported () {
    return !!(navigator.credentials && navigator.credentials.create && navigator.credentials.get && window.PublicKeyCredential)
  }

  // src/webauthn-json/browser-global.ts
  globalThis.webauthnJSON = webauthn_json_exports
})()
// # sourceMappingURL=webauthn-json.browser-global.js.map
;
(function () {
  const allauth = window.allauth = window.allauth || {}
  const webauthnJSON = window.webauthnJSON

  function dispatchError (exception) {
    const event = new CustomEvent('allauth.error', { detail: { tags: ['mfa', 'webauthn'], exception }, cancelable: true })
    document.dispatchEvent(event)
    if (!event.defaultPrevented) {
      console.error(exception)
    }
  }

  async function createCredentials (credentials, passwordless) {
    credentials = JSON.parse(JSON.stringify(credentials))
    const sel = credentials.publicKey.authenticatorSelection
    if (passwordless != null) {
      sel.residentKey = passwordless ? 'required' : 'discouraged'
      sel.requireResidentKey = passwordless
      if (passwordless) {
        sel.userVerification = 'required'
      }
    }
    return await webauthnJSON.create(credentials)
  }

  function signupForm (o) {
    const signupBtn = document.getElementById(o.ids.signup)
    return addOrSignupForm(o, signupBtn, null)
  }

  function addForm (o) {
    const addBtn = document.getElementById(o.ids.add)
    const passwordlessCb = o.ids.passwordless ? document.getElementById(o.ids.passwordless) : null
    const passwordlessFn = () => passwordlessCb ? passwordlessCb.checked : false
    return addOrSignupForm(o, addBtn, passwordlessFn)
  }

  function getData (o) {
    if (typeof o.ids.data !== 'undefined') {
      return JSON.parse(document.getElementById(o.ids.data).textContent)
    }
    return o.data
  }

  function addOrSignupForm (o, actionBtn, passwordlessFn) {
    const credentialInput = document.getElementById(o.ids.credential)
    const form = credentialInput.closest('form')
    actionBtn.addEventListener('click', async function () {
      const passwordless = passwordlessFn ? passwordlessFn() : undefined
      try {
        const credential = await createCredentials(getData(o).creation_options, passwordless)
        credentialInput.value = JSON.stringify(credential)
        form.submit()
      } catch (e) {
        dispatchError(e)
      }
    })
  }

  function loginForm (o) {
    const loginBtn = document.getElementById(o.ids.login)
    const form = loginBtn.form
    const credentialInput = document.getElementById(o.ids.credential)
    loginBtn.addEventListener('click', async function (e) {
      e.preventDefault()
      try {
        const response = await fetch(form.action, {
          method: 'GET',
          headers: {
            Accept: 'application/json'
          }
        })
        if (!response.ok) {
          throw new Error('Unable to fetch passkey data from server.')
        }
        const data = await response.json()
        const credential = await webauthnJSON.get(data.request_options)
        credentialInput.value = JSON.stringify(credential)
        form.submit()
      } catch (e) {
        dispatchError(e)
      }
    })
  }

  function authenticateForm (o) {
    const authenticateBtn = document.getElementById(o.ids.authenticate)
    const credentialInput = document.getElementById(o.ids.credential)
    const form = credentialInput.closest('form')
    authenticateBtn.addEventListener('click', async function (e) {
      e.preventDefault()
      try {
        const credential = await webauthnJSON.get(getData(o).request_options)
        credentialInput.value = JSON.stringify(credential)
        form.submit()
      } catch (e) {
        dispatchError(e)
      }
    })
  }

  allauth.webauthn = {
    forms: {
      addForm,
      authenticateForm,
      loginForm,
      signupForm
    }
  }
})()
;
(function () {
  document.addEventListener('DOMContentLoaded', function () {
    Array.from(document.querySelectorAll('script[data-allauth-onload]')).forEach(scriptElt => {
      const funcRef = scriptElt.dataset.allauthOnload
      if (typeof funcRef === 'string' && funcRef.startsWith('allauth.')) {
        const funcArg = JSON.parse(scriptElt.textContent)
        const func = funcRef.split('.').reduce((acc, part) => acc && acc[part], window)
        func(funcArg)
      }
    })
  })
})()
