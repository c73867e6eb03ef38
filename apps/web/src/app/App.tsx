import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { LoadFailed } from './LoadFailed.tsx';
import { AppRoutes } from './router.tsx';

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <LoadFailed>
          <AppRoutes />
        </LoadFailed>
      </QueryClientProvider>
    </StrictMode>
  );
}
