/** The touch suite (touch.ts) on a phone in portrait: 390 × 844, three times the pixel density. */
import { touchSuite } from './touch';

touchSuite('phone 390 × 844', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
