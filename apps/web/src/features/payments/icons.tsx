import type { PaymentMethod } from '@tessera/shared';
import type { ReactElement, SVGProps } from 'react';
import { Glyph } from '../../components/ui/icons.tsx';

type P = SVGProps<SVGSVGElement>;

/** Simple marks for the payment method tiles (32×32, decorative: the tile's text names the method). */
const Mark = (p: P) => <Glyph viewBox="0 0 32 32" {...p} />;

const CardMark = (p: P) => (
  <Mark {...p}>
    <rect x="3" y="7" width="26" height="18" rx="3.5" fill="#4f46e5" />
    <rect x="3" y="11" width="26" height="3.5" fill="#312e81" />
    <rect x="6.5" y="18" width="8" height="3" rx="1" fill="#fcd34d" />
  </Mark>
);

const WeChatMark = (p: P) => (
  <Mark {...p}>
    <rect x="1" y="1" width="30" height="30" rx="8" fill="#1aad19" />
    <ellipse cx="13" cy="13.5" rx="7.5" ry="6.2" fill="#fff" />
    <path d="M8.6 18.4 7.8 21.4l3.3-1.8Z" fill="#fff" />
    <ellipse cx="20.2" cy="18.6" rx="6.3" ry="5.2" fill="#fff" stroke="#1aad19" strokeWidth="1.2" />
    <path d="M23.8 22.6l.9 2.4-2.8-1.4Z" fill="#fff" />
    <circle cx="10.6" cy="12.2" r="1" fill="#1aad19" />
    <circle cx="15.4" cy="12.2" r="1" fill="#1aad19" />
    <circle cx="18.2" cy="17.6" r="0.85" fill="#1aad19" />
    <circle cx="22.2" cy="17.6" r="0.85" fill="#1aad19" />
  </Mark>
);

const AlipayMark = (p: P) => (
  <Mark {...p}>
    <rect x="1" y="1" width="30" height="30" rx="8" fill="#1677ff" />
    <path
      d="M9 10.5h14M16 7.5v6M10.5 14h11c-1.4 4.6-5 8.3-11.5 10.3M13 17.5c2.6 2.6 6 4.6 10.5 5.6"
      fill="none"
      stroke="#fff"
      strokeWidth="2.2"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  </Mark>
);

const CryptoMark = (p: P) => (
  <Mark {...p}>
    <circle cx="16" cy="16" r="14" fill="#2775ca" />
    <circle cx="16" cy="16" r="9.5" fill="none" stroke="#fff" strokeWidth="1.6" />
    <path
      d="M18.6 13.2c-.3-1.1-1.3-1.7-2.6-1.7-1.5 0-2.6.8-2.6 1.9 0 2.6 5.4 1.3 5.4 4.1 0 1.2-1.1 2-2.8 2-1.4 0-2.5-.7-2.8-1.8M16 9.8v1.7M16 20.5v1.7"
      fill="none"
      stroke="#fff"
      strokeWidth="1.6"
      strokeLinecap="round"
    />
  </Mark>
);

export const METHOD_MARKS: Record<PaymentMethod, (p: P) => ReactElement> = {
  card: CardMark,
  wechat_pay: WeChatMark,
  alipay: AlipayMark,
  crypto: CryptoMark,
};
