// Package docs holds predmet's developer documentation; its tests check the links and run the README's walk-through.
package docs
