// Builds the SDK language model for a ModelChoice. Each provider is loaded only when used, so a run
// pays the start-up cost of one provider: from dist/providers/<name>.cjs (one self-contained bundle,
// loaded with V8's code cache: src/provider/cached-script.ts), or, running from src/, the package.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LanguageModel } from 'ai';
import BUNDLES from './provider/bundles.json' with { type: 'json' };
import { loadCachedScript } from './provider/cached-script.ts';
import { providerFetch } from './provider/transport.ts';
import type { ModelChoice } from './providers.ts';

/** Every provider talks through our transport (timeouts, proxies, no undici at start-up). */
const fetch = providerFetch as unknown as typeof globalThis.fetch;

type Exports = {
  openai: typeof import('@ai-sdk/openai');
  anthropic: typeof import('@ai-sdk/anthropic');
  google: typeof import('@ai-sdk/google');
  groq: typeof import('@ai-sdk/groq');
  deepseek: typeof import('@ai-sdk/deepseek');
  xai: typeof import('@ai-sdk/xai');
  openrouter: typeof import('@openrouter/ai-sdk-provider');
  'openai-compatible': typeof import('@ai-sdk/openai-compatible');
};

/** A provider's exports: its bundle (scripts/build.mjs makes one per entry of bundles.json), or from src/ the package. */
async function load<K extends keyof typeof BUNDLES>(name: K): Promise<Exports[K]> {
  const bundle = fileURLToPath(new URL(`./providers/${name}.cjs`, import.meta.url));
  if (existsSync(bundle)) return loadCachedScript(bundle) as Exports[K];
  const specifier = BUNDLES[name][0]!;
  return (await import(specifier)) as Exports[K];
}

export async function createLanguageModel(choice: ModelChoice): Promise<LanguageModel> {
  const { apiKey, model } = choice;
  switch (choice.provider) {
    case 'openai': {
      const { createOpenAI } = await load('openai');
      return createOpenAI({ apiKey, baseURL: choice.baseURL, fetch }).responses(model);
    }
    case 'anthropic': {
      const { createAnthropic } = await load('anthropic');
      return createAnthropic({ apiKey, baseURL: withVersionPath(choice.baseURL, '/v1'), fetch })(model);
    }
    case 'google': {
      const { createGoogleGenerativeAI } = await load('google');
      return createGoogleGenerativeAI({ apiKey, baseURL: withVersionPath(choice.baseURL, '/v1beta'), fetch })(
        model,
      );
    }
    case 'groq': {
      const { createGroq } = await load('groq');
      return createGroq({ apiKey, baseURL: choice.baseURL, fetch })(model);
    }
    case 'deepseek': {
      const { createDeepSeek } = await load('deepseek');
      return createDeepSeek({ apiKey, baseURL: choice.baseURL, fetch })(model);
    }
    case 'xai': {
      const { createXai } = await load('xai');
      return createXai({ apiKey, baseURL: choice.baseURL, fetch })(model);
    }
    case 'openrouter': {
      const { createOpenRouter } = await load('openrouter');
      return createOpenRouter({ apiKey, baseURL: choice.baseURL, fetch })(model);
    }
    case 'openai-compatible': {
      const { createOpenAICompatible } = await load('openai-compatible');
      return createOpenAICompatible({
        name: 'compatible',
        apiKey,
        baseURL: choice.baseURL!,
        includeUsage: true,
        fetch,
      })(model);
    }
  }
}

/**
 * ANTHROPIC_BASE_URL and GOOGLE_GEMINI_BASE_URL are conventionally given
 * without the API version (as Claude Code and Gemini CLI read them); the SDK
 * wants it included. Adds it when the path names no version.
 */
function withVersionPath(baseURL: string | undefined, version: string): string | undefined {
  if (!baseURL) return undefined;
  const trimmed = baseURL.replace(/\/+$/, '');
  return /\/v\d+(beta|alpha)?\d*$/.test(trimmed) ? trimmed : trimmed + version;
}
