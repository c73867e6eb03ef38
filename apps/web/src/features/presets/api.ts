import type { CreatePreset, Preset, PresetList, UpdatePreset } from '@tessera/shared';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { request } from '../../lib/api.ts';

export const presetKeys = { all: ['presets'] as const };

export function usePresets(enabled = true) {
  return useQuery({
    queryKey: presetKeys.all,
    queryFn: ({ signal }) => request<PresetList>('/api/presets', { signal }),
    select: (data) => data.items,
    enabled,
  });
}

/** Newest change first, as the server lists them. */
function put(qc: QueryClient, preset: Preset) {
  qc.setQueryData<PresetList>(presetKeys.all, (data) =>
    data ? { items: [preset, ...data.items.filter((p) => p.id !== preset.id)] } : data,
  );
}

export function useCreatePreset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreatePreset) => request<Preset>('/api/presets', { method: 'POST', body }),
    onSuccess: (preset) => put(qc, preset),
  });
}

export function useUpdatePreset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdatePreset }) =>
      request<Preset>(`/api/presets/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
    onSuccess: (preset) => put(qc, preset),
  });
}

export function useDeletePreset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request(`/api/presets/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: (_, id) =>
      qc.setQueryData<PresetList>(presetKeys.all, (data) =>
        data ? { items: data.items.filter((p) => p.id !== id) } : data,
      ),
  });
}
