// Exactly the README's Vite recipe.
export default { optimizeDeps: { exclude: ['happyhorse'] }, build: { target: 'es2022' }, worker: { format: 'es' } };
