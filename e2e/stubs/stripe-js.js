/* global window, document, fetch, URLSearchParams, setTimeout */
/*
 * A stand-in for https://js.stripe.com/<release>/stripe.js in the browser specs (the real one cannot be
 * loaded here). It implements the part of Stripe.js that @stripe/react-stripe-js and the "Buy tokens"
 * modal use, and talks to Stripe's REST API the way Stripe.js does (publishable key + client_secret),
 * which the specs route to the local fake Stripe server:
 *
 *   Stripe(pk) → { elements(), confirmPayment(), retrievePaymentIntent(), … }
 *   elements({ clientSecret, appearance, locale }) → { create('payment'), getElement(), update(), submit(), fetchUpdates() }
 *   payment element → mount(el) renders a small test form: a card number field (card), or a note (redirect methods)
 *
 * Test card numbers map to Stripe's test PaymentMethods; redirect methods confirm with
 * payment_method_data[type] and follow next_action.redirect_to_url like Stripe.js.
 */
(function () {
  'use strict';

  var API = 'https://api.stripe.com';
  var RELEASE = 'endive';
  var CARDS = {
    4242424242424242: 'pm_card_visa',
    4000000000000002: 'pm_card_chargeDeclined',
    4000000000009995: 'pm_card_chargeDeclinedInsufficientFunds',
    4000000000000069: 'pm_card_chargeDeclinedExpiredCard',
    4000000000000127: 'pm_card_chargeDeclinedIncorrectCvc',
    4000002500003155: 'pm_card_authenticationRequired',
    4000000000000119: 'pm_card_chargeDeclinedProcessingError',
  };
  var REDIRECT_LABELS = { wechat_pay: 'WeChat Pay', alipay: 'Alipay', crypto: 'Crypto' };

  /** Stripe's form encoding: nested objects as a[b][c]=v. */
  function encode(params, prefix, out) {
    out = out || new URLSearchParams();
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (value === undefined || value === null) return;
      var name = prefix ? prefix + '[' + key + ']' : key;
      if (typeof value === 'object') encode(value, name, out);
      else out.append(name, String(value));
    });
    return out;
  }

  function request(pk, method, path, params) {
    var body = encode(Object.assign({ key: pk }, params));
    var url = API + path + (method === 'GET' ? '?' + body.toString() : '');
    var init = {
      method: method,
      headers: { Authorization: 'Bearer ' + pk, 'Content-Type': 'application/x-www-form-urlencoded' },
    };
    if (method !== 'GET') init.body = body.toString();
    return fetch(url, init).then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (json) {
            if (response.ok) return { data: json };
            var error = (json && json.error) || {
              type: 'api_error',
              message: 'Unexpected response ' + response.status,
            };
            return { error: error };
          });
      },
      function () {
        return {
          error: {
            type: 'api_connection_error',
            message: 'We could not connect to Stripe. Check your connection and try again.',
          },
        };
      },
    );
  }

  function intentId(clientSecret) {
    return String(clientSecret || '').split('_secret_')[0];
  }

  /** The method the Payment Element offers for this PaymentIntent: card when allowed, else its redirect method. */
  function methodOf(pi) {
    if (!pi) return 'card';
    var types = pi.payment_method_types || [];
    if ((pi.automatic_payment_methods && pi.automatic_payment_methods.enabled) || types.indexOf('card') >= 0)
      return 'card';
    return types[0] || 'card';
  }

  function style(el, rules) {
    Object.keys(rules).forEach(function (k) {
      el.style[k] = rules[k];
    });
  }

  function createPaymentElement(group) {
    var listeners = {};
    var node = null;
    var root = null;
    var method = null;
    var inputs = {};
    var destroyed = false;

    function emit(event, payload) {
      (listeners[event] || []).slice().forEach(function (cb) {
        try {
          cb(payload);
        } catch (e) {
          setTimeout(function () {
            throw e;
          });
        }
      });
    }

    function vars() {
      var appearance = group.options.appearance || {};
      var v = appearance.variables || {};
      var night = appearance.theme === 'night';
      return {
        bg: v.colorBackground || (night ? '#30313d' : '#ffffff'),
        text: v.colorText || (night ? '#ffffff' : '#30313d'),
        muted: v.colorTextSecondary || (night ? '#a3a3a3' : '#6b7280'),
        primary: v.colorPrimary || '#0570de',
        radius: v.borderRadius || '6px',
        font: v.fontFamily || 'system-ui, sans-serif',
        border: (appearance.rules && appearance.rules['.Input'] && appearance.rules['.Input'].borderColor) || '#cccccc',
      };
    }

    function field(labelText, name, attrs) {
      var c = vars();
      var wrap = document.createElement('label');
      style(wrap, {
        display: 'flex',
        flexDirection: 'column',
        gap: '6px',
        flex: attrs.flex || '1 1 100%',
        minWidth: '0',
      });
      var label = document.createElement('span');
      label.textContent = labelText;
      style(label, { fontSize: '14px', color: c.text });
      var input = document.createElement('input');
      input.name = name;
      input.autocomplete = attrs.autocomplete || 'off';
      input.inputMode = 'numeric';
      input.placeholder = attrs.placeholder || '';
      input.setAttribute('data-stub-field', name);
      style(input, {
        height: '44px',
        padding: '0 12px',
        borderRadius: c.radius,
        border: '1px solid ' + c.border,
        background: c.bg,
        color: c.text,
        font: '15px ' + c.font,
        outlineColor: c.primary,
        boxSizing: 'border-box',
        width: '100%',
      });
      input.addEventListener('input', function () {
        var digits = (inputs.number && inputs.number.value.replace(/\D/g, '')) || '';
        emit('change', {
          elementType: 'payment',
          empty: digits.length === 0,
          complete: digits.length >= 15,
          collapsed: false,
          value: { type: 'card' },
        });
      });
      inputs[name] = input;
      wrap.appendChild(label);
      wrap.appendChild(input);
      return wrap;
    }

    function render() {
      if (!root) return;
      var c = vars();
      root.textContent = '';
      style(root, { fontFamily: c.font, color: c.text, display: 'flex', flexWrap: 'wrap', gap: '12px' });
      if (method === 'card') {
        root.appendChild(
          field('Card number', 'number', { autocomplete: 'cc-number', placeholder: '1234 1234 1234 1234' }),
        );
        root.appendChild(
          field('Expiration', 'expiry', { autocomplete: 'cc-exp', placeholder: 'MM / YY', flex: '1 1 40%' }),
        );
        root.appendChild(field('CVC', 'cvc', { autocomplete: 'cc-csc', placeholder: 'CVC', flex: '1 1 40%' }));
      } else {
        var note = document.createElement('p');
        note.setAttribute('data-stub-redirect', method);
        note.textContent =
          (REDIRECT_LABELS[method] || method) +
          ' selected. After submission, you will be redirected to securely complete next steps.';
        style(note, {
          margin: '0',
          padding: '12px 14px',
          borderRadius: c.radius,
          border: '1px solid ' + c.border,
          background: c.bg,
          color: c.muted,
          fontSize: '14px',
          lineHeight: '1.4',
          width: '100%',
          boxSizing: 'border-box',
        });
        root.appendChild(note);
      }
    }

    var element = {
      mount: function (target) {
        node = typeof target === 'string' ? document.querySelector(target) : target;
        if (!node) throw new Error('stub Stripe.js: mount target not found');
        root = document.createElement('div');
        root.setAttribute('data-stripe-stub', 'payment-element');
        node.appendChild(root);
        emit('loaderstart', { elementType: 'payment' });
        group.intent().then(function (result) {
          if (destroyed) return;
          if (result.error) {
            emit('loaderror', { elementType: 'payment', error: result.error });
            return;
          }
          method = methodOf(result.data);
          render();
          emit('ready', { elementType: 'payment' });
        });
      },
      on: function (event, cb) {
        (listeners[event] = listeners[event] || []).push(cb);
        return element;
      },
      once: function (event, cb) {
        var wrapped = function (payload) {
          element.off(event, wrapped);
          cb(payload);
        };
        return element.on(event, wrapped);
      },
      off: function (event, cb) {
        if (!cb) delete listeners[event];
        else
          listeners[event] = (listeners[event] || []).filter(function (l) {
            return l !== cb;
          });
        return element;
      },
      update: function () {
        render();
      },
      focus: function () {
        if (inputs.number) inputs.number.focus();
      },
      blur: function () {},
      clear: function () {
        Object.keys(inputs).forEach(function (k) {
          inputs[k].value = '';
        });
      },
      collapse: function () {},
      unmount: function () {
        if (root && root.parentNode) root.parentNode.removeChild(root);
        root = null;
      },
      destroy: function () {
        destroyed = true;
        element.unmount();
        delete group.elements.payment;
      },
      _method: function () {
        return method;
      },
      _cardNumber: function () {
        return inputs.number ? inputs.number.value.replace(/\D/g, '') : '';
      },
    };
    return element;
  }

  function createElements(pk, options) {
    var intentPromise = null;
    var group = {
      options: Object.assign({}, options || {}),
      elements: {},
      intent: function () {
        if (!intentPromise) {
          var secret = group.options.clientSecret;
          intentPromise = request(pk, 'GET', '/v1/payment_intents/' + intentId(secret), { client_secret: secret });
        }
        return intentPromise;
      },
      create: function (type) {
        if (type !== 'payment') throw new Error('stub Stripe.js: only the payment element is implemented');
        if (group.elements.payment) throw new Error('Can only create one Element of type payment.');
        group.elements.payment = createPaymentElement(group);
        return group.elements.payment;
      },
      getElement: function (type) {
        return group.elements[type] || null;
      },
      update: function (updates) {
        Object.assign(group.options, updates || {});
        Object.keys(group.elements).forEach(function (k) {
          group.elements[k].update({});
        });
      },
      submit: function () {
        return Promise.resolve({});
      },
      fetchUpdates: function () {
        return Promise.resolve({});
      },
    };
    return group;
  }

  function Stripe(pk) {
    if (typeof pk !== 'string' || !/^pk_/.test(pk)) throw new Error('stub Stripe.js: a publishable key is required');

    function confirm(options) {
      var elements = options.elements;
      var clientSecret = options.clientSecret || (elements && elements.options.clientSecret);
      var params = Object.assign({}, options.confirmParams || {});
      var redirect = options.redirect || 'always';
      var element = elements && elements.getElement('payment');
      var methodPromise =
        element && element._method()
          ? Promise.resolve(element._method())
          : request(pk, 'GET', '/v1/payment_intents/' + intentId(clientSecret), { client_secret: clientSecret }).then(
              function (r) {
                return methodOf(r.data);
              },
            );
      return methodPromise.then(function (method) {
        var body = { client_secret: clientSecret, return_url: params.return_url };
        if (method === 'card') {
          var number = element ? element._cardNumber() : '';
          if (!number)
            return {
              error: {
                type: 'validation_error',
                code: 'incomplete_number',
                message: 'Your card number is incomplete.',
              },
            };
          var pm = CARDS[number];
          if (!pm)
            return {
              error: { type: 'validation_error', code: 'invalid_number', message: 'Your card number is invalid.' },
            };
          body.payment_method = pm;
        } else {
          body.payment_method_data = { type: method };
          if (method === 'wechat_pay') body.payment_method_options = { wechat_pay: { client: 'web' } };
        }
        return request(pk, 'POST', '/v1/payment_intents/' + intentId(clientSecret) + '/confirm', body).then(
          function (r) {
            if (r.error) return { error: r.error };
            var pi = r.data;
            var action = pi.next_action;
            if (pi.status === 'requires_action' && action && action.type === 'redirect_to_url') {
              window.location.assign(action.redirect_to_url.url);
              return new Promise(function () {});
            }
            if (redirect !== 'if_required' && params.return_url) {
              var url = new URL(params.return_url);
              url.searchParams.set('payment_intent', pi.id);
              url.searchParams.set('payment_intent_client_secret', clientSecret);
              url.searchParams.set('redirect_status', pi.status === 'succeeded' ? 'succeeded' : 'failed');
              window.location.assign(url.href);
              return new Promise(function () {});
            }
            return { paymentIntent: pi };
          },
        );
      });
    }

    var unsupported = function () {
      return Promise.resolve({ error: { type: 'invalid_request_error', message: 'Not implemented by the stub.' } });
    };

    return {
      elements: function (options) {
        return createElements(pk, options);
      },
      confirmPayment: confirm,
      retrievePaymentIntent: function (clientSecret) {
        return request(pk, 'GET', '/v1/payment_intents/' + intentId(clientSecret), {
          client_secret: clientSecret,
        }).then(function (r) {
          return r.error ? { error: r.error } : { paymentIntent: r.data };
        });
      },
      // What react-stripe-js checks for before it accepts the object as a Stripe instance.
      createToken: unsupported,
      createPaymentMethod: unsupported,
      confirmCardPayment: unsupported,
      _registerWrapper: function (wrapper) {
        (window.__stripeStub.wrappers = window.__stripeStub.wrappers || []).push(wrapper);
      },
      registerAppInfo: function () {},
    };
  }

  Stripe.version = RELEASE;
  window.Stripe = Stripe;
  window.__stripeStub = { loaded: true };
})();
