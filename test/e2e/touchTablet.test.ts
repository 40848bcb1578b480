/** The touch suite (touch.ts) on a tablet in landscape: 1024 × 768, twice the pixel density. */
import { touchSuite } from './touch';

touchSuite('tablet 1024 × 768', { viewport: { width: 1024, height: 768 }, deviceScaleFactor: 2 });
