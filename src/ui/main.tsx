import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

/** Placeholder page until the playground UI lands (issue 3). */
function App() {
  return (
    <main>
      <h1>Siamese Playground</h1>
      <p role="status">The training core is ready; the interactive playground is being built.</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
